# Copyright (c) mmavs contributors. All rights reserved.
import pytest
import torch
from mmengine.registry import init_default_scope
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

import mmavs  # noqa: F401  (installs the mmcv.ops fallback first)
from mmavs.models.decode_heads.uncertainty_head import (UncertaintyHead,
                                                        dirichlet_variance,
                                                        minmax_per_frame)
from mmavs.models.losses.evidential_loss import EvidentialLoss  # noqa: F401
from mmavs.models.losses.iou_loss import IoULoss  # noqa: F401
from mmavs.models.losses.soft_dice_loss import SoftDiceLoss  # noqa: F401

init_default_scope('mmavs')

T = 3


def _head(out_channels=1, **kwargs):
    binary = out_channels == 1
    cfg = dict(
        in_channels=(8, 16),
        channels=16,
        temporal_heads=2,
        num_classes=2 if binary else out_channels,
        out_channels=out_channels,
        threshold=0.5 if binary else None,
        dropout_ratio=0.0,
        loss_decode=[
            dict(
                type='CrossEntropyLoss',
                use_sigmoid=binary,
                avg_non_ignore=True),
            dict(type='SoftDiceLoss'),
            dict(type='IoULoss'),
        ])
    cfg.update(kwargs)
    return UncertaintyHead(**cfg)


def _feats(clips=2, seed=0):
    g = torch.Generator().manual_seed(seed)
    return [
        torch.randn(clips * T, 8, 8, 8, generator=g),
        torch.randn(clips * T, 16, 4, 4, generator=g)
    ]


def _samples(n, num_classes=2, ignore_frames=(), seed=0):
    g = torch.Generator().manual_seed(seed)
    out = []
    for i in range(n):
        s = SegDataSample(
            metainfo=dict(
                num_frames=T,
                frame_idx=i % T,
                img_shape=(32, 32),
                pad_shape=(32, 32),
                ori_shape=(32, 32)))
        gt = torch.randint(0, num_classes, (1, 32, 32), generator=g)
        if i in ignore_frames:
            gt[:] = 255
        s.gt_sem_seg = PixelData(data=gt)
        out.append(s)
    return out


def test_dirichlet_variance_matches_formula_and_torch():
    alpha = torch.tensor([[1.0, 2.0, 3.0], [0.5, 4.0, 10.0]])
    s = alpha.sum(1, keepdim=True)
    direct = alpha * (s - alpha) / (s**2 * (s + 1))
    torch.testing.assert_close(dirichlet_variance(alpha), direct)
    ref = torch.distributions.Dirichlet(alpha).variance
    torch.testing.assert_close(dirichlet_variance(alpha), ref)
    # a hand value: alpha = (1, 2, 3): delta_0 = 1 * 5 / (36 * 7)
    assert dirichlet_variance(alpha)[0, 0].item() == pytest.approx(5 / 252)


def test_minmax_per_frame():
    x = torch.stack(
        [torch.arange(8.).view(2, 2, 2),
         torch.full((2, 2, 2), 3.)])
    y = minmax_per_frame(x)
    torch.testing.assert_close(y[0], torch.arange(8.).view(2, 2, 2) / 7)
    assert torch.equal(y[1], torch.zeros(2, 2, 2))


def test_semantic_final_logits_match_direct_formula():
    head = _head(out_channels=4)
    g = torch.Generator().manual_seed(1)
    m = torch.randn(2, 4, 3, 3, generator=g)
    u = torch.randn(2, 4, 3, 3, generator=g)
    out = head.final_logits(m, u)
    alpha = torch.nn.functional.softplus(u) + 1
    s = alpha.sum(1, keepdim=True)
    delta = alpha * (s - alpha) / (s**2 * (s + 1))
    lo = delta.amin(dim=(1, 2, 3), keepdim=True)
    hi = delta.amax(dim=(1, 2, 3), keepdim=True)
    y = m.softmax(1) / ((delta - lo) / (hi - lo) + 1e-6)
    torch.testing.assert_close(out.exp(), y / y.sum(1, keepdim=True))
    assert torch.equal(out.argmax(1), y.argmax(1))


def test_binary_output_is_normalised_foreground_logit():
    head = _head(out_channels=1)
    g = torch.Generator().manual_seed(2)
    m = torch.randn(2, 1, 3, 3, generator=g)
    u = torch.randn(2, 2, 3, 3, generator=g)
    out = head.final_logits(m, u)
    assert out.shape == m.shape
    p = torch.sigmoid(m)
    delta = minmax_per_frame(dirichlet_variance(head.alpha(u)))
    y_fg = p / (delta[:, 1:2] + 1e-6)
    y_bg = (1 - p) / (delta[:, 0:1] + 1e-6)
    torch.testing.assert_close(torch.sigmoid(out), y_fg / (y_fg + y_bg))
    # a two-class Dirichlet has class-symmetric variance: decision unchanged
    torch.testing.assert_close(torch.sigmoid(out), p)


def test_loss_predict_and_ignored_frames():
    head = _head(out_channels=1)
    feats = _feats()
    samples = _samples(2 * T, ignore_frames=(1, 2, 4, 5))
    losses = head.loss(feats, samples, {})
    assert {'loss_ce', 'loss_dice', 'loss_iou',
            'loss_evidential'} <= set(losses)
    total = sum(v for k, v in losses.items() if k.startswith('loss'))
    assert torch.isfinite(total)
    total.backward()
    assert head.uncertainty_head[1].weight.grad.abs().sum() > 0
    assert head.temporal_attn.in_proj_weight.grad.abs().sum() > 0
    pred = head.predict(feats, [s.metainfo for s in samples], {})
    assert pred.shape == (2 * T, 1, 32, 32)
    # losses do not depend on the predictions of ignored frames: only the
    # labelled frames' targets matter
    samples2 = _samples(2 * T, ignore_frames=(1, 2, 4, 5))
    for i in (1, 2, 4, 5):
        samples2[i].gt_sem_seg = PixelData(
            data=torch.full((1, 32, 32), 255, dtype=torch.long))
    head.eval()
    with torch.no_grad():
        a = head.loss(feats, _samples(2 * T, ignore_frames=(1, 2, 4, 5)), {})
        b = head.loss(feats, samples2, {})
    for k in ('loss_ce', 'loss_dice', 'loss_iou', 'loss_evidential'):
        torch.testing.assert_close(a[k], b[k])


def test_temporal_attention_mixes_frames_of_a_clip_only():
    head = _head(out_channels=3).eval()
    feats = _feats(clips=2)
    changed = [f.clone() for f in feats]
    changed[0][T + 1] += 5  # frame 1 of the second clip
    with torch.no_grad():
        a = head.forward(feats, T)
        b = head.forward(changed, T)
    assert not torch.allclose(a[T], b[T])  # same clip, other frame
    torch.testing.assert_close(a[:T], b[:T])  # other clip untouched
    flat = _head(out_channels=3, use_temporal_attn=False).eval()
    with torch.no_grad():
        a = flat.forward(feats, T)
        b = flat.forward(changed, T)
    torch.testing.assert_close(a[T], b[T])


def test_without_uncertainty_and_errors():
    head = _head(out_channels=3, use_uncertainty=False)
    feats = _feats()
    losses = head.loss(feats, _samples(2 * T, num_classes=3), {})
    assert 'loss_evidential' not in losses
    m, u = head.decode(feats, T)
    assert u is None
    torch.testing.assert_close(head.forward(feats, T), m)
    with pytest.raises(ValueError, match='num_frames'):
        head.forward(feats)
    # tensor mode: the clip length comes from the config
    configured = _head(out_channels=3, num_frames=T).eval()
    assert configured.forward(feats).shape == (2 * T, 3, 8, 8)
    with pytest.raises(ValueError, match='multiple of num_frames'):
        head.forward(feats, 4)
    with pytest.raises(ValueError, match='seg_loss_on'):
        _head(seg_loss_on='both')
    final = _head(out_channels=3, seg_loss_on='final')
    assert torch.isfinite(
        final.loss(feats, _samples(2 * T, num_classes=3), {})['loss_ce'])
