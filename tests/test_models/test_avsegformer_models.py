# Copyright (c) mmavs contributors. All rights reserved.
"""AVSegFormer models built from the configs (the converter and the parity
with the official code: tests/test_tools/test_model_converters.py and
test_official_parity.py)."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config

from mmavs.registry import MODELS
from mmavs.testing import audio_input_shape, repo_root, synthetic_av_batch
from mmavs.utils import register_all_modules

register_all_modules()

PVT_S4 = 'avsegformer_pvt-v2-b5_1xb2-30e_s4-512x512.py'


def _cfg(name):
    return Config.fromfile(
        osp.join(repo_root(), 'configs', 'avsegformer', name))


def _loss_backward(cfg, num_clips=1, num_frames=5, size=64, **batch_kw):
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    model.train()
    batch = synthetic_av_batch(
        num_clips=num_clips,
        num_frames=num_frames,
        size=size,
        audio_shape=audio_input_shape(cfg.model.audio_backbone),
        num_classes=model.decode_head.num_classes,
        **batch_kw)
    losses = model(**batch, mode='loss')
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    return model, losses, batch


def _check_grads(model):
    # (level_embed starts without a gradient: it reaches the output through
    # the sampling offsets and attention weights, whose weights start at 0)
    assert all(p.grad is None for p in model.audio_backbone.parameters())
    neck, head = model.neck, model.decode_head
    for p in (next(model.backbone.parameters()), neck.audio_proj.weight,
              neck.query_generator.learnable_query.weight,
              neck.encoder.layers[0].attentions[0].value_proj.weight,
              neck.encoder.layers[0].attentions[0].sampling_offsets.weight,
              neck.mixer.q_proj.weight,
              head.decoder[-1].attentions[1].attn.in_proj_weight,
              head.conv_seg.weight):
        assert p.grad is not None and p.grad.abs().sum() > 0


@pytest.mark.slow
def test_full_size_pvt_config_forward():
    """The full-size PVT-v2-B5 config builds and runs (losses and logits) at
    64 x 64; gradients are checked on the tiny configs."""
    cfg = _cfg(PVT_S4)
    for part in ('backbone', 'audio_backbone'):
        cfg.model[part].init_cfg = None
    model = MODELS.build(cfg.model)
    batch = synthetic_av_batch(num_frames=2, size=64)
    with torch.no_grad():
        losses = model(**batch, mode='loss')
        model.eval()
        logits = model(**batch, mode='tensor')
    assert set(losses) == {'decode.loss_dice', 'decode.acc_seg', 'loss_mix'}
    assert torch.isfinite(losses['decode.loss_dice'] + losses['loss_mix'])
    assert logits.shape == (2, 1, 64, 64) and torch.isfinite(logits).all()


@pytest.mark.parametrize('layout', ['s4', 'ms3', 'avss'])
def test_tiny_configs_train_and_predict(layout):
    batch_name = '1xb2' if layout == 'avss' else '1xb4'
    cfg = _cfg(f'avsegformer_simpleconv_{batch_name}-300it_synthavs-'
               f'{layout}-64x64.py')
    cfg.model.audio_backbone.init_cfg = None
    kwargs = dict(num_clips=2)
    if layout == 's4':
        kwargs['labelled'] = [True, False, False, False, False]
    if layout == 'avss':
        kwargs.update(num_frames=10, valid=[True] * 5 + [False] * 5)
    model, losses, batch = _loss_backward(cfg, **kwargs)
    main = 'decode.loss_ce' if layout == 'avss' else 'decode.loss_dice'
    assert torch.isfinite(losses[main]) and losses['loss_mix'] > 0
    _check_grads(model)
    model.eval()
    with torch.no_grad():
        preds = model(**batch, mode='predict')
    channels = 9 if layout == 'avss' else 1
    assert preds[0].seg_logits.data.shape == (channels, 64, 64)
