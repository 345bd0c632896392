# Copyright (c) mmavs contributors. All rights reserved.
import os.path as osp
import pickle
import sys

import pytest
import torch

from mmavs.models.audio_backbones import HTSAT
from mmavs.models.audio_backbones.htsat import import_htsat_module
from mmavs.testing import repo_root
from mmavs.testing.parity import distinct_state_dict, read_key_list


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


def _clap_specs():
    """Key names, dtypes and shapes of laion-clap's CLAP (HTSAT-tiny audio,
    RoBERTa text), committed in tests/data/parity."""
    return read_key_list(
        osp.join(repo_root(), 'tests', 'data', 'parity',
                 'clap_htsat-tiny_roberta.keys.txt'))


def _distinct_clap(prefix, offset=0):
    """A CLAP state dict whose tensor i holds the value offset + i + 1."""
    return distinct_state_dict(_clap_specs(), prefix, offset)


@pytest.mark.parametrize('out_type', ['embedding', 'projection'])
def test_htsat_takes_every_audio_tensor_of_a_clap_checkpoint(
        htsat, out_type, tmp_path):
    model = htsat if out_type == 'embedding' else HTSAT(
        out_type='projection')
    clap = _distinct_clap('module.')  # the trainer saves the DDP model
    path = tmp_path / 'clap.pt'
    torch.save({'epoch': 3, 'state_dict': clap}, path)
    model.checkpoint = str(path)
    model.init_weights()
    # mmavs's HTSAT names its parts as CLAP does: audio_branch.* (the HTS-AT
    # encoder) and audio_projection.* (the 768 -> 512 -> 512 MLP)
    taken = ('audio_branch.', 'audio_projection.') \
        if out_type == 'projection' else ('audio_branch.', )
    own = model.state_dict()
    expected = {k for k, _, _ in _clap_specs() if k.startswith(taken)}
    assert set(own) == expected
    for key in expected:
        assert torch.equal(own[key], clap['module.' + key]), key
    # a 'model.' prefix and a bare state dict work as well
    for prefix, offset in (('model.', 1000), ('', 2000)):
        other = _distinct_clap(prefix, offset)
        model.load_clap_state_dict(other)
        for key in expected:
            assert torch.equal(model.state_dict()[key],
                               other[prefix + key]), key
    bad = {k: v for k, v in clap.items() if 'tscam' not in k}
    with pytest.raises(KeyError, match='tscam_conv'):
        model.load_clap_state_dict(bad)
    with pytest.raises(KeyError, match='no audio_branch'):
        model.load_clap_state_dict(
            {k: v for k, v in clap.items() if 'audio_branch' not in k})


def test_htsat_refuses_pickled_objects(htsat, tmp_path):
    """Only tensors, containers and numpy scalars load; any other global
    (here argparse.Namespace, as training scripts often save) is refused,
    and the error names the file."""
    import argparse
    path = tmp_path / 'with_args.pt'
    torch.save({'state_dict': {}, 'args': argparse.Namespace(lr=1)}, path)
    htsat.checkpoint = str(path)
    with pytest.raises(pickle.UnpicklingError,
                       match=r'(?s)with_args\.pt.*argparse\.Namespace'):
        htsat.init_weights()
