# Copyright (c) mmavs contributors. All rights reserved.
import sys

import pytest
import torch

from mmavs.models.audio_backbones import HTSAT
from mmavs.models.audio_backbones.htsat import import_htsat_module


@pytest.fixture(scope='module')
def htsat():
    torch.manual_seed(0)
    return HTSAT(frozen=True)


def test_htsat_imports_only_the_htsat_module(htsat):
    # htsat.py is loaded under a private package name, without running
    # laion_clap's package __init__ (which imports the text towers)
    module = sys.modules[type(htsat.audio_branch).__module__]
    assert module.__name__ == '_mmavs_laion_clap_module.htsat'
    assert module is import_htsat_module()
    assert not htsat.training
    htsat.train()
    assert not htsat.training  # frozen


def test_htsat_forward_on_short_chunks(htsat):
    wave = torch.randn(2, 4800) * 0.1  # two 0.1 s chunks at 48 kHz
    with torch.no_grad():
        out = htsat(wave)
    assert out.shape == (2, 768) and torch.isfinite(out).all()
    # repeat-padding: a chunk and the same chunk tiled 10x give one input
    filled = htsat._fill(wave)
    assert filled.shape == (2, 480000)
    torch.testing.assert_close(filled[:, 4800:9600], wave)
    with pytest.raises(ValueError, match=r'\[N, L\]'):
        htsat(torch.randn(2, 2, 3, 4))


def test_htsat_loads_clap_audio_branch(htsat, tmp_path):
    own = htsat.state_dict()
    clap = {
        f'module.audio_branch.{k[len("audio_branch."):]}':
        torch.full_like(v, 0.5) if v.is_floating_point() else v
        for k, v in own.items()
    }
    clap['module.text_branch.embeddings.word_embeddings.weight'] = \
        torch.zeros(3, 4)
    clap['module.audio_projection.0.weight'] = torch.zeros(512, 768)
    htsat.load_clap_state_dict(clap)
    assert (htsat.audio_branch.tscam_conv.weight == 0.5).all()
    # through init_cfg and a checkpoint file with the 'model.' prefix
    path = tmp_path / 'clap.pt'
    torch.save(
        {
            'state_dict': {
                k.replace('module.', 'model.'): v
                for k, v in clap.items()
            }
        }, path)
    htsat.checkpoint = str(path)
    htsat.init_weights()
    assert (htsat.audio_branch.layers[0].blocks[0].norm1.weight == 0.5).all()
    bad = {k: v for k, v in clap.items() if 'tscam' not in k}
    with pytest.raises(KeyError, match='tscam_conv'):
        htsat.load_clap_state_dict(bad)
