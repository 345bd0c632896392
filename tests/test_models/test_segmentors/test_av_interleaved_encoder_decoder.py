# Copyright (c) mmavs contributors. All rights reserved.
"""AMA interleaved with the encoder stages (RAVS placement)."""
import copy
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

import mmavs.models  # noqa: F401
from mmavs.datasets.collate import av_collate
from mmavs.datasets.transforms.formatting import PackAVSInputs
from mmavs.models.utils import backbone_stages
from mmavs.registry import MODELS
from mmavs.testing import packed_clip, repo_root

init_default_scope('mmavs')

TINY_CFG = (
    Path(repo_root()) / 'configs' / 'ravs' /
    'ravs_simpleconv_1xb4-300it_synthavs-ms3-64x64.py')

TINY_MIT = dict(
    type='MixVisionTransformer',
    in_channels=3,
    embed_dims=8,
    num_stages=4,
    num_layers=[1, 1, 1, 1],
    num_heads=[1, 2, 4, 8],
    patch_sizes=[7, 3, 3, 3],
    sr_ratios=[8, 4, 2, 1],
    out_indices=(0, 1, 2, 3))
TINY_PVT = dict(
    type='TIMMBackbone',
    model_name='pvt_v2_b0',
    features_only=True,
    pretrained=False,
    embed_dims=(8, 16, 32, 64),
    num_heads=(1, 1, 2, 2),
    depths=(1, 1, 1, 1))
TINY_CONV = dict(type='SimpleConvNet', channels=(8, 16, 32, 64), depth=1)
BACKBONES = dict(mit=TINY_MIT, pvt=TINY_PVT, conv=TINY_CONV)
CHANNELS = dict(mit=(8, 16, 32, 64), pvt=(8, 16, 32, 64), conv=(8, 16, 32, 64))


def _model_cfg(backbone='conv', interleaved=True):
    """A tiny RAVS with AMA after stages 0-2 of a four-stage backbone."""
    cfg = copy.deepcopy(Config.fromfile(str(TINY_CFG)).model)
    cfg.type = ('AVInterleavedEncoderDecoder'
                if interleaved else 'AVEncoderDecoder')
    cfg.backbone = copy.deepcopy(BACKBONES[backbone])
    channels = CHANNELS[backbone]
    cfg.neck = dict(
        type='AMANeck',
        in_channels=channels,
        audio_channels=128,
        ama_stages=(0, 1, 2),
        num_groups=(6, 4, 3),
        num_heads=(1, 2, 2),
        num_layers=1)
    cfg.decode_head.in_channels = channels
    cfg.audio_backbone.pop('init_cfg', None)  # random weights
    return cfg


def _build(backbone='conv', interleaved=True, seed=0):
    torch.manual_seed(seed)
    model = MODELS.build(_model_cfg(backbone, interleaved))
    model.eval()
    return model


def _inputs(frames=2, size=64, seed=0):
    g = torch.Generator().manual_seed(seed)
    return dict(
        frames=torch.randn(frames, 3, size, size, generator=g),
        audio=torch.randn(1, frames, 1, 96, 64, generator=g),
        num_frames=frames)


def _stage_module(model, backbone, i):
    """The first module of backbone stage i (its input is the stage
    input)."""
    if backbone == 'mit':
        return model.backbone.layers[i][0]
    if backbone == 'pvt':
        return getattr(model.backbone.timm_model, f'stages_{i}')
    return model.backbone.stages[i]


@pytest.mark.parametrize('backbone', ['mit', 'pvt', 'conv'])
def test_stages_reproduce_the_backbone(backbone):
    torch.manual_seed(0)
    net = MODELS.build(BACKBONES[backbone]).eval()
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        expected = net(x)
        run = backbone_stages(net)
        outs = []
        for stage in run.stages:
            x = stage(x)
            outs.append(x)
    assert run.out_indices == [0, 1, 2, 3]
    assert len(expected) == 4
    for out, ref in zip(outs, expected):
        assert torch.equal(out, ref)


def test_stages_follow_out_indices_and_reject_unknown_backbones():
    torch.manual_seed(0)
    mit = MODELS.build(dict(TINY_MIT, out_indices=(1, 3)))
    assert backbone_stages(mit).out_indices == [1, 3]
    with pytest.raises(TypeError, match='Linear cannot be run stage'):
        backbone_stages(torch.nn.Linear(2, 2))


@pytest.mark.parametrize('backbone', ['mit', 'pvt', 'conv'])
def test_next_stage_gets_the_remapped_map(backbone):
    """Stage i+1's input = plain stage-i output + the group feature of
    each token's group (the re-mapping), for every AMA stage; the plain
    backbone's stage-1 input differs from it by exactly that update."""
    model = _build(backbone)
    inputs = _inputs()
    with torch.no_grad():
        plain = model.backbone(inputs['frames'])
    seen = {}
    hooks = [
        _stage_module(model, backbone, i).register_forward_pre_hook(
            lambda m, args, i=i: seen.__setitem__(i, args[0].clone()))
        for i in (1, 2, 3)
    ]
    with torch.no_grad():
        _, extras, _ = model._fuse(inputs)
    for h in hooks:
        h.remove()
    # stage 0 runs on the image: its output equals the plain backbone's
    assert torch.equal(extras['backbone_feats'][0], plain[0])
    for pos in range(3):
        raw = extras['backbone_feats'][pos]
        groups = extras['ama_group_feats'][pos]  # [N, P, C]
        index = extras['ama_group_index'][pos]  # [N, H*W]
        n, c, h, w = raw.shape
        update = torch.stack([groups[f][index[f]] for f in range(n)])
        update = update.transpose(1, 2).reshape(n, c, h, w)
        stage_input = seen[pos + 1]
        if backbone == 'pvt':
            assert stage_input.shape == raw.shape
        torch.testing.assert_close(stage_input, raw + update)
        assert update.abs().amax() > 1e-3
        torch.testing.assert_close(extras['ama_visual_feats'][pos],
                                   raw + update)
    # the stage-1 input of the plain backbone is its stage-0 output
    torch.testing.assert_close(seen[1] - plain[0],
                               extras['ama_visual_feats'][0] - plain[0])


@pytest.mark.parametrize('backbone', ['mit', 'conv'])
def test_zeroed_audio_changes_the_last_stage_only_when_interleaved(backbone):
    outs = {}
    for interleaved in (True, False):
        model = _build(backbone, interleaved)
        res = []
        for scale in (1.0, 0.0):
            inputs = _inputs()
            inputs['audio'] = inputs['audio'] * scale
            with torch.no_grad():
                feats, _, _ = model._fuse(inputs)
            res.append(feats[3])
        outs[interleaved] = res
    # interleaved: the 1/32 stage (no AMA of its own) hears the audio
    assert (outs[True][0] - outs[True][1]).abs().amax() > 1e-4
    # post-hoc: the 1/32 map is the plain backbone output either way
    assert torch.equal(outs[False][0], outs[False][1])


def test_same_parameters_and_pretrained_backbone_loads_unchanged(tmp_path):
    torch.manual_seed(1)
    plain = MODELS.build(TINY_MIT)
    ckpt = tmp_path / 'mit.pth'
    torch.save({'state_dict': plain.state_dict()}, ckpt)
    cfg = _model_cfg('mit')
    cfg.backbone.init_cfg = dict(type='Pretrained', checkpoint=str(ckpt))
    model = MODELS.build(cfg)
    model.init_weights()
    loaded = model.backbone.state_dict()
    assert list(loaded) == list(plain.state_dict())
    for key, value in plain.state_dict().items():
        assert torch.equal(loaded[key], value), key
    posthoc = _build('mit', interleaved=False)
    assert list(model.state_dict()) == list(posthoc.state_dict())
    # the interleaved model runs the loaded weights: with the AMA blocks
    # bypassed it gives the plain backbone's maps
    model.eval()
    model.neck.align_stage = lambda pos, x, a, g=None: (
        x, dict(audio=a, visual=x, group_feats=x, group_index=x, relevance=x))
    inputs = _inputs()
    with torch.no_grad():
        feats, _, _ = model._fuse(inputs)
        ref = plain.eval()(inputs['frames'])
    for f, r in zip(feats, ref):
        assert torch.equal(f, r)


def test_contrastive_loss_gets_group_features_through_extras():
    model = _build('conv')
    model.train()
    captured = {}
    loss_module = model.av_losses[0]
    original = loss_module.forward

    def spy(extras, audio_feat, data_samples):
        captured.update(extras)
        return original(extras, audio_feat, data_samples)

    loss_module.forward = spy
    clip = packed_clip(num_frames=5, size=64)
    clip['audio'] = np.random.default_rng(0).standard_normal(
        (5, 1, 96, 64)).astype(np.float32)
    data = model.data_preprocessor(av_collate([PackAVSInputs()(clip)]), True)
    losses = model(**data, mode='loss')
    assert len(captured['ama_group_feats']) == 3
    assert captured['ama_group_feats'][2].shape == (5, 3, 32)
    assert captured['ama_audio_feats'][2].shape == (5, 32)
    assert captured['backbone_feats'][3].shape == (5, 64, 4, 4)
    losses[loss_module.loss_name].backward()
    grad = model.neck.blocks[2].layers[0].q.weight.grad
    assert grad is not None and grad.abs().sum() > 0
    # the CST gradient reaches the encoder stages before the last AMA
    assert model.backbone.stages[1][0].conv.weight.grad.abs().sum() > 0


def test_interleaved_needs_a_stagewise_neck():
    cfg = _model_cfg('conv')
    cfg.neck = dict(
        type='AudioFiLMNeck', in_channels=(8, 16, 32, 64), audio_channels=128)
    with pytest.raises(TypeError, match='align_stage'):
        MODELS.build(cfg)
    cfg = _model_cfg('conv')
    cfg.neck['in_index'] = (0, 1, 5, 3)
    with pytest.raises(ValueError, match='backbone returns 4 maps'):
        MODELS.build(cfg)
