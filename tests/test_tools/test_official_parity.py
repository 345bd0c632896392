# Copyright (c) mmavs contributors. All rights reserved.
"""Converted official weights give the official outputs (no network, no
official code).

``tests/data/parity`` holds, per official model, its key list (every
state-dict key with dtype and shape, from the official model definition)
and its outputs on a seeded input with seeded weights, both written by
``tools/model_converters/official_parity.py`` from the official code. Each
test rebuilds the same weights from the key list
(:func:`mmavs.testing.parity.seeded_state_dict`), saves them as the official
code saves its checkpoints, converts / loads them the way a user would, and
compares the mmavs outputs with the stored official ones.
"""
import os.path as osp
import sys

import numpy as np
import pytest
import torch

from mmavs.compat.numpy_globals import numpy_scalar_globals
from mmavs.testing import repo_root
from mmavs.testing.parity import (is_clap_computed, read_key_list,
                                  save_clap_trainer_checkpoint, seeded_input,
                                  seeded_state_dict)
from mmavs.testing.tools import load_tool_module

DATA = osp.join(repo_root(), 'tests', 'data', 'parity')


def _golden(name):
    return torch.load(
        osp.join(DATA, f'{name}.golden.pt'), map_location='cpu',
        weights_only=True)


def _convert(tool_name, src, dst, monkeypatch):
    """Run a converter's command line on ``src``; the converted state
    dict."""
    tool = load_tool_module(f'tools/model_converters/{tool_name}.py')
    monkeypatch.setattr(sys, 'argv', [f'{tool_name}.py', str(src), str(dst)])
    tool.main()
    return torch.load(dst, map_location='cpu', weights_only=True)


@pytest.mark.slow
@pytest.mark.parametrize('backbone', ['r50', 'pvt-v2-b5'])
def test_converted_tpavi_gives_official_logits(backbone, tmp_path,
                                               monkeypatch):
    from mmengine.config import Config

    from mmavs.registry import MODELS
    from mmavs.utils import register_all_modules
    register_all_modules()
    name = f'avsbench_s4_{backbone}'
    golden = _golden(name)
    size, num_frames = golden['size'], golden['num_frames']
    # the official train.py saves model.module.state_dict()
    src, dst = tmp_path / 'official.pth', tmp_path / 'mmavs.pth'
    torch.save(
        seeded_state_dict(read_key_list(osp.join(DATA,
                                                 f'{name}.keys.txt'))), src)
    converted = _convert('avsbench2mmavs', src, dst, monkeypatch)
    cfg = Config.fromfile(
        osp.join(repo_root(), 'configs', 'tpavi',
                 f'tpavi_{backbone}_1xb4-15e_s4-224x224.py'))
    # the golden input is the audio embeddings: no VGGish needed
    cfg.model.audio_backbone = dict(type='PrecomputedAudio', in_channels=128)
    model = MODELS.build(cfg.model).eval()
    model.load_state_dict(converted['state_dict'], strict=True)
    frames = seeded_input(f'avsbench.s4.frames.{size}',
                          (num_frames, 3, size, size))
    audio = seeded_input('avsbench.s4.audio', (num_frames, 128))
    with torch.no_grad():
        feats = list(model.backbone(frames))
        outs, _ = model.neck(feats, audio, num_frames)
        logits = model.decode_head(outs)
    # measured: <= 1.5e-5 (|logits| <= 3.3); a textbook residual unit in
    # the decoder is off by ~1
    torch.testing.assert_close(logits, golden['logits'], rtol=0, atol=1e-4)


@pytest.mark.slow
def test_converted_vggish_gives_official_embeddings(tmp_path, monkeypatch):
    from mmavs.models.audio_backbones import VGGish
    golden = _golden('torchvggish')['embeddings']
    src, dst = tmp_path / 'vggish.pth', tmp_path / 'vggish_mmavs.pth'
    torch.save(
        seeded_state_dict(read_key_list(osp.join(DATA,
                                                 'torchvggish.keys.txt'))),
        src)
    _convert('vggish2mmavs', src, dst, monkeypatch)
    model = VGGish(init_cfg=dict(type='Pretrained', checkpoint=str(dst)))
    model.init_weights()
    examples = seeded_input('vggish.examples', (golden.shape[0], 1, 96, 64))
    with torch.no_grad():
        out = model.eval()(examples)
    # bit-exact against the official network in one process; the tolerance
    # only covers BLAS differences between machines
    torch.testing.assert_close(out, golden, rtol=0, atol=1e-5)


@pytest.mark.slow
def test_htsat_loads_clap_trainer_checkpoint_with_official_outputs(tmp_path):
    from mmavs.models.audio_backbones import HTSAT
    golden = _golden('clap_htsat-tiny')
    specs = read_key_list(osp.join(DATA, 'clap_htsat-tiny_roberta.keys.txt'))
    audio_part = ('audio_branch.', 'audio_projection.')
    state_dict = seeded_state_dict(
        [s for s in specs if s[0].startswith(audio_part)
         and not is_clap_computed(s[0])],
        prefix='module.')
    # computed buffers (STFT / mel kernels, attention masks, position
    # indices) are architecture constants: any HTS-AT instance has them
    computed = HTSAT(out_type='projection').state_dict()
    for key, dtype, shape in specs:
        if key.startswith(audio_part) and is_clap_computed(key):
            assert computed[key].shape == shape, key
            state_dict['module.' + key] = computed[key]
        elif not key.startswith(audio_part):
            # the text tower does not reach the audio outputs: one-element
            # storages keep the file small; like laion-clap's
            # --freeze_text, the optimizer does not hold it
            state_dict['module.' + key] = torch.zeros(
                (), dtype=dtype).expand(shape)
    trainable = [
        k for k in state_dict
        if k.startswith(('module.audio_branch.', 'module.audio_projection.'))
        and not is_clap_computed(k) and not k.endswith(('running_mean',
                                                        'running_var'))
    ]
    path = tmp_path / 'epoch_latest.pt'
    save_clap_trainer_checkpoint(str(path), state_dict, trainable)
    # the file has the trainer's structure, numpy scalars included ...
    with torch.serialization.safe_globals(numpy_scalar_globals()):
        ckpt = torch.load(path, weights_only=True)
    assert set(ckpt) == {'epoch', 'name', 'state_dict', 'optimizer'}
    assert isinstance(ckpt['optimizer']['param_groups'][0]['lr'], np.float64)
    assert len(ckpt['optimizer']['state']) == len(trainable)
    # ... which a plain weights-only load refuses
    with pytest.raises(Exception, match='numpy.core.multiarray.scalar'):
        torch.load(path, weights_only=True)
    waves = 0.1 * seeded_input('htsat.waves', (2, 24000))
    for out_type in ('embedding', 'projection'):
        model = HTSAT(
            out_type=out_type,
            init_cfg=dict(type='Pretrained', checkpoint=str(path)))
        model.init_weights()
        with torch.no_grad():
            out = model(waves)
        # measured: 0 against laion-clap's CLAP.encode_audio (+
        # audio_projection) in one process
        torch.testing.assert_close(
            out, golden[out_type], rtol=0, atol=1e-4)


@pytest.mark.slow
@pytest.mark.parametrize('backbone', ['r50', 'pvt-v2-b5'])
def test_converted_avsegformer_gives_official_logits(backbone, tmp_path,
                                                     monkeypatch):
    from mmengine.config import Config

    from mmavs.registry import MODELS
    from mmavs.utils import register_all_modules
    register_all_modules()
    name = f'avsegformer_s4_{backbone}'
    golden = _golden(name)
    size, num_frames = golden['size'], golden['num_frames']
    # the official train.py saves model.module.state_dict(); the golden
    # input is the VGGish embeddings, so the VGGish weights are left out
    specs = [
        s for s in read_key_list(osp.join(DATA, f'{name}.keys.txt'))
        if not s[0].startswith('vggish.')
    ]
    src, dst = tmp_path / 'official.pth', tmp_path / 'mmavs.pth'
    torch.save(seeded_state_dict(specs), src)
    converted = _convert('avsegformer2mmavs', src, dst, monkeypatch)
    cfg = Config.fromfile(
        osp.join(repo_root(), 'configs', 'avsegformer',
                 f'avsegformer_{backbone}_1xb2-30e_s4-512x512.py'))
    cfg.model.audio_backbone = dict(type='PrecomputedAudio', in_channels=128)
    model = MODELS.build(cfg.model).eval()
    model.load_state_dict(converted['state_dict'], strict=True)
    frames = seeded_input(f'avsegformer.s4.frames.{size}',
                          (num_frames, 3, size, size))
    audio = seeded_input('avsegformer.s4.audio', (num_frames, 128)).abs()
    with torch.no_grad():
        feats = list(model.backbone(frames))
        head_inputs, extras = model.neck(feats, audio, num_frames)
        logits = model.decode_head(head_inputs)
    # measured: 2.6e-6 (R50, |logits| <= 2.8), 1.4e-5 (PVT-v2-B5, <= 4.8);
    # the mixed mask features (the mix loss input) agree to 5e-6
    torch.testing.assert_close(
        extras['mask_feats'].mean(1, keepdim=True),
        golden['mask_feats_mean'],
        rtol=0,
        atol=1e-5)
    torch.testing.assert_close(logits, golden['logits'], rtol=0, atol=1e-4)
