# Copyright (c) mmavs contributors. All rights reserved.
"""Pretraining the tiny configs' frozen audio encoder on SynthAVS audio."""
import os
import os.path as osp

import pytest
import torch
from mmengine.registry import init_default_scope

from mmavs.synthavs import ensure_synthavs_audio, pretrain_synthavs_audio
from mmavs.registry import MODELS


def test_pretrain_learns_the_sounds_and_loads_frozen(synthavs_small, tmp_path):
    out = str(tmp_path / 'enc.pth')
    meta = pretrain_synthavs_audio(synthavs_small, out, epochs=40)
    # the tree's categories, in class order
    assert meta['categories'] == [
        'vibrato_tone', 'noise_burst', 'chirp', 'am_hum', 'click_train',
        'whistle', 'bell', 'drum'
    ]
    assert meta['num_levels'] == 3
    # 12 train clips of 5 frames
    assert meta['train_frames'] == 60
    assert meta['train_accuracy'] >= 0.9
    assert meta['train_pitch_accuracy'] >= 0.9
    ckpt = torch.load(out, weights_only=True)
    assert set(ckpt['state_dict']) == {
        'mlp.0.weight', 'mlp.0.bias', 'mlp.2.weight', 'mlp.2.bias'
    }
    # the configs' way of loading it: init_cfg Pretrained, frozen
    init_default_scope('mmavs')
    mlp = MODELS.build(
        dict(
            type='AudioMLP',
            in_features=96 * 64,
            hidden=(128, ),
            out_features=128,
            frozen=True,
            init_cfg=dict(type='Pretrained', checkpoint=out)))
    mlp.init_weights()
    torch.testing.assert_close(mlp.mlp[0].weight,
                               ckpt['state_dict']['mlp.0.weight'])
    assert not any(p.requires_grad for p in mlp.parameters())


def test_ensure_reuses_and_retrains(synthavs_small, tmp_path):
    out = str(tmp_path / 'enc.pth')
    ensure_synthavs_audio(synthavs_small, out, epochs=2)
    first = os.stat(out).st_mtime_ns
    assert ensure_synthavs_audio(synthavs_small, out, epochs=2) == out
    assert os.stat(out).st_mtime_ns == first
    ensure_synthavs_audio(synthavs_small, out, epochs=3)
    assert torch.load(out, weights_only=True)['meta']['epochs'] == 3


def test_errors_name_the_problem(synthavs_small, tmp_path):
    with pytest.raises(FileNotFoundError, match='synthavs_stamp.json'):
        pretrain_synthavs_audio(str(tmp_path), str(tmp_path / 'x.pth'))
    with pytest.raises(KeyError, match='layout'):
        pretrain_synthavs_audio(synthavs_small, layout='avss')
    assert not osp.exists(str(tmp_path / 'x.pth'))
