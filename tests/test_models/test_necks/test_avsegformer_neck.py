# Copyright (c) mmavs contributors. All rights reserved.
"""AVSegFormerNeck: outputs, mask features at stride 4, errors."""
import pytest
import torch
import torch.nn.functional as F

from mmavs.registry import MODELS
from mmavs.utils import register_all_modules

register_all_modules()


def _neck(**kwargs):
    cfg = dict(
        type='AVSegFormerNeck',
        in_channels=(4, 8, 12, 16),
        embed_dims=16,
        audio_channels=10,
        num_queries=5,
        num_groups=4,
        query_generator=dict(
            num_layers=1, num_heads=4, feedforward_channels=24),
        encoder=dict(num_layers=1, num_heads=4, feedforward_channels=24),
        mixer=dict(num_heads=4))
    cfg.update(kwargs)
    neck = MODELS.build(cfg)
    neck.init_weights()
    return neck.eval()


def _feats(n=3, size=32, seed=0):
    gen = torch.Generator().manual_seed(seed)
    feats = [
        torch.randn(n, c, size // s, size // s, generator=gen)
        for c, s in zip((4, 8, 12, 16), (4, 8, 16, 32))
    ]
    return feats, torch.randn(n, 10, generator=gen)


def test_outputs_and_mask_features():
    torch.manual_seed(0)
    neck = _neck(mixer=None)
    feats, audio = _feats()
    head_inputs, extras = neck(feats, audio, 3)
    assert set(head_inputs) == {'queries', 'memory', 'mask_feats'}
    assert head_inputs['queries'].shape == (3, 5, 16)
    # memory: strides 8, 16, 32 -> 16 + 4 + 1 tokens
    assert head_inputs['memory'].shape == (3, 21, 16)
    torch.testing.assert_close(extras['audio_embed'], neck.audio_proj(audio))
    torch.testing.assert_close(head_inputs['queries'],
                               neck.query_generator(neck.audio_proj(audio)))
    # stride-4 mask features: out_conv(lateral(in_proj_0(x_0)) + the
    # stride-8 encoder output resized bilinearly); the encoder output is
    # the first 16 memory tokens
    enc8 = head_inputs['memory'][:, :16].transpose(1, 2).reshape(3, 16, 4, 4)
    expected = neck.out_conv(
        neck.lateral_conv(neck.in_proj[0](feats[0])) +
        F.interpolate(enc8, size=(8, 8), mode='bilinear', align_corners=False))
    torch.testing.assert_close(head_inputs['mask_feats'], expected)
    assert extras['mask_feats'] is head_inputs['mask_feats']


def test_mixer_and_paper_variant():
    torch.manual_seed(0)
    neck = _neck()
    feats, audio = _feats()
    mixed = neck(feats, audio, 3)[0]['mask_feats']
    neck.mixer = None
    plain = neck(feats, audio, 3)[0]['mask_feats']
    torch.manual_seed(0)
    paper = _neck(mixer=dict(num_heads=4, residual=True))
    omega = paper.mixer.channel_weights(plain, paper.audio_proj(audio))
    torch.testing.assert_close(mixed, plain * omega[:, :, None, None])
    torch.testing.assert_close(paper(feats, audio, 3)[0]['mask_feats'],
                               plain + plain * omega[:, :, None, None])


def test_init_follows_official_reset():
    neck = _neck()
    enc = neck.encoder.layers[0].attentions[0]
    # mmcv's deformable-attention init survives the Xavier pass
    assert enc.sampling_offsets.weight.abs().sum() == 0
    assert enc.attention_weights.weight.abs().sum() == 0
    assert enc.sampling_offsets.bias.abs().sum() > 0
    # Xavier uniform bound sqrt(6 / (fan_in + fan_out))
    w = neck.mixer.kv_proj.weight
    assert w.abs().max() <= (6 / (16 + 32))**0.5


def test_in_index_and_errors():
    feats, audio = _feats()
    neck = _neck(in_index=(1, 2, 3, 4))
    out, _ = neck([torch.zeros(3, 2, 16, 16)] + feats, audio, 3)
    assert out['mask_feats'].shape == (3, 16, 8, 8)
    with pytest.raises(ValueError, match='4 stages .* got 3 feature maps'):
        _neck()(feats[:3], audio, 3)
    with pytest.raises(ValueError, match='N=3 frames'):
        _neck()(feats, audio[:2], 3)
    with pytest.raises(ValueError, match='encoder_levels'):
        _neck(encoder_levels=(0, 1, 2))
    with pytest.raises(ValueError, match='out of range'):
        _neck(in_index=(1, 2, 3, 9))(feats, audio, 3)
