# Copyright (c) mmavs contributors. All rights reserved.
import pytest
import torch
import torch.nn.functional as F

import mmavs.models  # noqa: F401
from mmavs.models.necks import TPAVINeck
from mmavs.models.utils import DilatedSumASPP, TPAVIBlock


def _official_tpavi(block, x, audio):
    """The official TPAVIModule.forward (mode='dot'), written out."""
    b, c, t, h, w = x.shape
    if audio is not None:
        a = block.align_channel(audio)  # [B, T, C]
        tiled = a.permute(0, 2, 1)[..., None, None].repeat(1, 1, 1, h, w)
    else:
        a, tiled = None, x
    g_x = block.g(x).view(b, block.inter_channels, -1).permute(0, 2, 1)
    theta = block.theta(x).view(b, block.inter_channels, -1).permute(0, 2, 1)
    phi = block.phi(tiled).view(b, block.inter_channels, -1)
    f = torch.matmul(theta, phi)  # [B, THW, THW]
    y = torch.matmul(f / f.size(-1), g_x).permute(0, 2, 1).contiguous()
    y = y.view(b, block.inter_channels, t, h, w)
    z = block.W_z(y) + x
    z = block.norm_layer(z.permute(0, 2, 3, 4, 1)).permute(0, 4, 1, 2, 3)
    return z, a


@pytest.mark.parametrize('with_audio', [True, False])
def test_tpavi_block_equals_the_official_attention(with_audio):
    torch.manual_seed(0)
    block = TPAVIBlock(16, audio_channels=12).eval()
    # non-zero W_z so that the attention reaches the output
    torch.nn.init.normal_(block.W_z[1].weight)
    torch.nn.init.normal_(block.W_z[1].bias)
    x = torch.randn(2, 16, 3, 4, 5)
    audio = torch.randn(2, 3, 12) if with_audio else None
    z, a = block(x, audio)
    z_ref, a_ref = _official_tpavi(block, x, audio)
    assert z.shape == x.shape
    torch.testing.assert_close(z, z_ref, rtol=1e-4, atol=1e-5)
    if with_audio:
        torch.testing.assert_close(a, a_ref)
    else:
        assert a is None


def test_tpavi_block_starts_as_layernorm_of_input():
    torch.manual_seed(0)
    block = TPAVIBlock(8, audio_channels=4)
    x = torch.randn(1, 8, 2, 3, 3)
    z, _ = block(x, torch.randn(1, 2, 4))
    ref = F.layer_norm(x.permute(0, 2, 3, 4, 1), (8, )).permute(0, 4, 1, 2, 3)
    torch.testing.assert_close(z, ref, rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match=r'audio \[1, 2, D\]'):
        block(x, torch.randn(1, 3, 4))


def test_dilated_sum_aspp_is_a_sum_of_dilated_convs():
    torch.manual_seed(0)
    aspp = DilatedSumASPP(3, 4, dilations=(1, 2))
    x = torch.randn(1, 3, 9, 9)
    ref = sum(
        F.conv2d(x, c.weight, c.bias, padding=d, dilation=d)
        for c, d in zip(aspp.conv2d_list, (1, 2)))
    torch.testing.assert_close(aspp(x), ref)
    assert aspp(x).shape == (1, 4, 9, 9)
    assert 0.005 < aspp.conv2d_list[0].weight.std() < 0.02  # N(0, 0.01)


def _feats(n, chans=(4, 8, 8, 16), size=16):
    return [
        torch.randn(n, c, size // 2**i, size // 2**i)
        for i, c in enumerate(chans)
    ]


def test_neck_shapes_and_extras():
    torch.manual_seed(0)
    neck = TPAVINeck(
        in_channels=(4, 8, 8, 16),
        channels=8,
        audio_channels=6,
        tpavi_stages=(1, 3))
    feats = _feats(6)
    outs, extras = neck(feats, torch.randn(6, 6), num_frames=3)
    assert [o.shape for o in outs] == [(6, 8, 16 // 2**i, 16 // 2**i)
                                       for i in range(4)]
    vis, aud = extras['tpavi_visual_feats'], extras['tpavi_audio_feats']
    assert vis[0] is None and aud[2] is None
    assert vis[1] is outs[1] and aud[3].shape == (6, 8)
    # stage 0 is ASPP only
    torch.testing.assert_close(outs[0], neck.aspp[0](feats[0]))


def test_neck_attends_within_each_clip():
    """Clip-joint attention: clips of a batch do not mix, frames do."""
    torch.manual_seed(0)
    neck = TPAVINeck(in_channels=(4, 8, 8, 16), channels=8, audio_channels=6)
    for block in neck.tpavi.values():
        torch.nn.init.normal_(block.W_z[1].weight)
    neck.eval()
    feats, audio = _feats(4), torch.randn(4, 6)
    outs, _ = neck(feats, audio, num_frames=2)
    # changing clip 1 leaves clip 0 unchanged ...
    feats2 = [f.clone() for f in feats]
    for f in feats2:
        f[2:] += 1
    outs2, _ = neck(feats2, audio, num_frames=2)
    torch.testing.assert_close(outs[3][:2], outs2[3][:2])
    # ... while changing frame 1 changes frame 0 of the same clip
    feats3 = [f.clone() for f in feats]
    for f in feats3:
        f[1] += 1
    outs3, _ = neck(feats3, audio, num_frames=2)
    assert not torch.allclose(outs[3][0], outs3[3][0])
    # clip_len=1 makes every frame its own group
    neck.clip_len = 1
    single, _ = neck(feats, audio, num_frames=2)
    alone, _ = neck([f[:1] for f in feats], audio[:1], num_frames=1)
    torch.testing.assert_close(single[3][:1], alone[3])


def test_neck_in_index_and_errors():
    neck = TPAVINeck(
        in_channels=(8, 8, 16),
        channels=8,
        in_index=(1, 2, 3),
        audio_channels=6,
        tpavi_stages=(0, ))
    outs, _ = neck(_feats(2), torch.randn(2, 6), num_frames=2)
    assert len(outs) == 3 and outs[0].shape == (2, 8, 8, 8)
    with pytest.raises(ValueError, match='clip_len=2 does not divide'):
        TPAVINeck(
            in_channels=(8, ),
            channels=8,
            audio_channels=6,
            tpavi_stages=(0, ),
            clip_len=2)([torch.randn(3, 8, 4, 4)], torch.randn(3, 6), 3)
    with pytest.raises(ValueError, match='out of range'):
        TPAVINeck(in_channels=(8, ), tpavi_stages=(1, ))


def test_tpavi_neck_audio_projection_without_bias():
    """The official AVSS TPAVI has ``Linear(128, C, bias=False)``."""
    neck = TPAVINeck(
        in_channels=(4, 8),
        channels=8,
        audio_channels=6,
        tpavi_stages=(0, 1),
        align_bias=False)
    assert [k for k in neck.state_dict() if 'align_channel' in k] == [
        'tpavi.0.align_channel.weight', 'tpavi.1.align_channel.weight'
    ]
    block = neck.tpavi['0'].eval()
    torch.nn.init.normal_(block.W_z[1].weight)
    x, audio = torch.randn(1, 8, 2, 3, 3), torch.randn(1, 2, 6)
    z, a = block(x, audio)
    torch.testing.assert_close(a, audio @ block.align_channel.weight.T)
    torch.testing.assert_close(z, _official_tpavi(block, x, audio)[0],
                               rtol=1e-4, atol=1e-5)
