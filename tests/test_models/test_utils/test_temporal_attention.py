# Copyright (c) mmavs contributors. All rights reserved.
"""TemporalAttention equals the nn.MultiheadAttention formulation it
replaces (kept here as the reference), in outputs and gradients."""
import pytest
import torch
from torch import nn

from mmavs.models.utils import TemporalAttention


def _reference(mha: nn.MultiheadAttention, x: torch.Tensor) -> torch.Tensor:
    """The former implementation: one [T, C] sequence per position through
    ``nn.MultiheadAttention`` (batch_first), [B, T, P, C] in and out."""
    b, t, p, c = x.shape
    seq = x.permute(0, 2, 1, 3).reshape(b * p, t, c)
    out = mha(seq, seq, seq, need_weights=False)[0]
    return out.view(b, p, t, c).permute(0, 2, 1, 3)


def _pair(channels=16, heads=4, seed=0):
    torch.manual_seed(seed)
    mha = nn.MultiheadAttention(channels, heads, batch_first=True)
    # non-zero biases, so that a dropped bias shows
    with torch.no_grad():
        mha.in_proj_bias.normal_()
        mha.out_proj.bias.normal_()
    attn = TemporalAttention(channels, heads)
    # the same parameter names: an old checkpoint loads strictly
    attn.load_state_dict(mha.state_dict(), strict=True)
    return mha, attn


@pytest.mark.parametrize('mode', ['eval', 'train'])
@pytest.mark.parametrize('shape', [(2, 3, 5), (1, 5, 7), (3, 1, 4)])
def test_matches_multihead_attention(mode, shape):
    mha, attn = _pair()
    getattr(mha, mode)()
    getattr(attn, mode)()
    b, t, p = shape
    x = torch.randn(b, t, p, 16) * 3
    with torch.no_grad():
        ref = _reference(mha, x)
        out = attn(x)
    assert out.shape == (b, t, p, 16)
    torch.testing.assert_close(out, ref, rtol=1e-5, atol=1e-5)


def test_gradients_match_multihead_attention():
    mha, attn = _pair(channels=8, heads=2, seed=1)
    x = torch.randn(2, 4, 6, 8)
    xa, xb = x.clone().requires_grad_(), x.clone().requires_grad_()
    weight = torch.randn(2, 4, 6, 8)
    (_reference(mha, xa) * weight).sum().backward()
    (attn(xb) * weight).sum().backward()
    torch.testing.assert_close(xb.grad, xa.grad, rtol=1e-5, atol=1e-5)
    for name, param in attn.named_parameters():
        ref = dict(mha.named_parameters())[name]
        torch.testing.assert_close(
            param.grad, ref.grad, rtol=1e-5, atol=1e-5, msg=name)


def test_positions_and_clips_do_not_mix():
    _, attn = _pair()
    x = torch.randn(2, 3, 5, 16)
    changed = x.clone()
    changed[1, 2, 4] += 10  # clip 1, frame 2, position 4
    with torch.no_grad():
        a, b = attn(x), attn(changed)
    differs = (a - b).abs().amax(-1) > 1e-6
    expected = torch.zeros(2, 3, 5, dtype=torch.bool)
    expected[1, :, 4] = True  # every frame of that position, nothing else
    assert torch.equal(differs, expected)


def test_initialisation_and_errors():
    attn = TemporalAttention(16, 4)
    assert torch.count_nonzero(attn.in_proj_bias) == 0
    assert torch.count_nonzero(attn.out_proj.bias) == 0
    bound = (6 / (16 + 48))**0.5  # xavier uniform of [48, 16]
    assert attn.in_proj_weight.abs().max() <= bound
    with pytest.raises(ValueError, match='divisible'):
        TemporalAttention(10, 4)
    with pytest.raises(ValueError, match=r'\[B, T, P, 16\]'):
        attn(torch.randn(2, 3, 8))


def test_uncertainty_head_temporal_step_matches_former_formula():
    """The head's temporal step (attention + residual + LayerNorm on a
    [B*T, C, H, W] map) against the former sequence formulation."""
    from mmavs.models.decode_heads.uncertainty_head import UncertaintyHead
    torch.manual_seed(2)
    head = UncertaintyHead(
        in_channels=(8, 16),
        channels=16,
        temporal_heads=4,
        num_classes=2,
        out_channels=1,
        threshold=0.5).eval()
    with torch.no_grad():
        head.temporal_attn.in_proj_bias.normal_()
        head.temporal_norm.weight.normal_()
        head.temporal_norm.bias.normal_()
    mha = nn.MultiheadAttention(16, 4, batch_first=True).eval()
    mha.load_state_dict(head.temporal_attn.state_dict())
    num_frames, clips, h, w = 3, 2, 4, 5
    x = torch.randn(clips * num_frames, 16, h, w)
    # former: [B*H*W, T, C] sequences, LayerNorm(seq + MHA(seq))
    seq = x.view(clips, num_frames, 16, h, w).permute(0, 3, 4, 1, 2)
    seq = seq.reshape(clips * h * w, num_frames, 16)
    with torch.no_grad():
        ref = head.temporal_norm(seq + mha(seq, seq, seq)[0])
        ref = ref.view(clips, h, w, num_frames, 16).permute(0, 3, 4, 1, 2)
        ref = ref.reshape(clips * num_frames, 16, h, w)
        for layout in (torch.contiguous_format, torch.channels_last):
            out = head._temporal(
                x.contiguous(memory_format=layout), num_frames)
            torch.testing.assert_close(out, ref, rtol=1e-5, atol=1e-5)
