# Copyright (c) mmavs contributors. All rights reserved.
import pytest
import torch
import torch.nn.functional as F
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
    # two classes (a Beta): a b / ((a + b)^2 (a + b + 1)) for both classes
    beta = torch.tensor([[1.0, 2.0], [0.5, 4.0], [3.0, 3.0]])
    var = dirichlet_variance(beta)
    torch.testing.assert_close(var,
                               torch.distributions.Dirichlet(beta).variance)
    assert var[0, 0].item() == pytest.approx(2 / 36)
    assert torch.equal(var[:, 0], var[:, 1])


def test_minmax_per_frame():
    x = torch.stack(
        [torch.arange(8.).view(2, 2, 2),
         torch.full((2, 2, 2), 3.)])
    y = minmax_per_frame(x)
    torch.testing.assert_close(y[0], torch.arange(8.).view(2, 2, 2) / 7)
    assert torch.equal(y[1], torch.zeros(2, 2, 2))


def _direct_semantic_final(m, u, eps=1e-6):
    """Eqs. 10-11 written out: alpha = softplus(u) + 1, the Dirichlet
    variance per class, min-max scaled per frame, Y = softmax(m) / (delta +
    eps), returned as log(Y / sum Y)."""
    alpha = torch.nn.functional.softplus(u) + 1
    s = alpha.sum(1, keepdim=True)
    delta = alpha * (s - alpha) / (s**2 * (s + 1))
    lo = delta.amin(dim=(1, 2, 3), keepdim=True)
    hi = delta.amax(dim=(1, 2, 3), keepdim=True)
    y = m.softmax(1) / ((delta - lo) / (hi - lo) + eps)
    return (y / y.sum(1, keepdim=True)).log()


def test_semantic_final_logits_match_direct_formula():
    head = _head(out_channels=4)
    g = torch.Generator().manual_seed(1)
    m = torch.randn(2, 4, 3, 3, generator=g)
    u = torch.randn(2, 4, 3, 3, generator=g)
    out = head.final_logits(m, u)
    ref = _direct_semantic_final(m, u)
    torch.testing.assert_close(out, ref)
    assert torch.equal(out.argmax(1), ref.argmax(1))
    # the uncertainty changes the decision somewhere (it is not a no-op)
    assert not torch.equal(out.argmax(1), m.argmax(1))


def test_binary_class_ratio_rule_is_normalised_foreground_logit():
    head = _head(out_channels=1, binary_rule='class_ratio')
    g = torch.Generator().manual_seed(2)
    m = torch.randn(2, 1, 3, 3, generator=g)
    u = torch.randn(2, 2, 3, 3, generator=g)
    out = head.final_logits(m, u)
    assert out.shape == m.shape
    # written out: alpha = softplus(u) + 1; a Beta's variance is the same
    # for background and foreground, min-max scaled per frame
    alpha = torch.nn.functional.softplus(u) + 1
    a, b = alpha[:, 0:1], alpha[:, 1:2]
    var = a * b / ((a + b)**2 * (a + b + 1))
    lo = var.amin(dim=(1, 2, 3), keepdim=True)
    hi = var.amax(dim=(1, 2, 3), keepdim=True)
    delta = (var - lo) / (hi - lo)
    p = torch.sigmoid(m)
    y_fg = p / (delta + 1e-6)
    y_bg = (1 - p) / (delta + 1e-6)
    torch.testing.assert_close(torch.sigmoid(out), y_fg / (y_fg + y_bg))
    # so the decision is unchanged: the output logit is m
    torch.testing.assert_close(out, m)


def _u_for(alpha):
    """Uncertainty logits giving these Dirichlet parameters when
    alpha = softplus(u) (``alpha_offset=0``)."""
    return torch.log(torch.expm1(torch.tensor(alpha, dtype=torch.float64)))


def test_binary_fg_divide_uncertainty_lowers_the_score_and_flips():
    """Hand-computed: one frame of 1 x 4 pixels, sigmoid(m) = 0.6 everywhere.

    Beta(1, 1) has the largest variance (1/12) of the frame, Beta(10, 10)
    the smallest (100 / (400 * 21)), so min-max scaling gives delta = 1 and
    0 there, and Y_fg = 0.6 / (1 + delta) is 0.3 and 0.6.
    """
    head = _head(out_channels=1, alpha_offset=0.0).double()
    m = torch.full((1, 1, 1, 4), 0.6, dtype=torch.float64).logit()
    certain, uncertain = [10.0, 10.0], [1.0, 1.0]

    def frame(pixels):  # [bg, fg] alpha per pixel -> u [1, 2, 1, 4]
        return _u_for(pixels).T.reshape(1, 2, 1, 4)

    before = frame([uncertain, certain, certain, certain])
    after = frame([uncertain, certain, uncertain, uncertain])  # raise delta
    score_before = torch.sigmoid(head.final_logits(m, before))[0, 0, 0]
    score_after = torch.sigmoid(head.final_logits(m, after))[0, 0, 0]
    torch.testing.assert_close(
        score_before, torch.tensor([0.3, 0.6, 0.6, 0.6], dtype=torch.float64))
    torch.testing.assert_close(
        score_after, torch.tensor([0.3, 0.6, 0.3, 0.3], dtype=torch.float64))
    # the decision at threshold 0.5 flips on the region whose delta rose
    assert (score_before > 0.5).tolist() == [False, True, True, True]
    assert (score_after > 0.5).tolist() == [False, True, False, False]
    # an intermediate variance: delta = (v - v_min) / (v_max - v_min)
    mid = frame([uncertain, certain, [2.0, 3.0], certain])
    v = lambda a, b: a * b / ((a + b)**2 * (a + b + 1))  # noqa: E731
    delta = (v(2, 3) - v(10, 10)) / (v(1, 1) - v(10, 10))
    score = torch.sigmoid(head.final_logits(m, mid))[0, 0, 0, 2]
    assert abs(score.item() - 0.6 / (1 + delta)) < 1e-9
    # the former rule ignores the uncertainty on binary tasks
    ratio = _head(out_channels=1, alpha_offset=0.0,
                  binary_rule='class_ratio').double()
    torch.testing.assert_close(
        torch.sigmoid(ratio.final_logits(m, after))[0, 0, 0],
        torch.full((4, ), 0.6, dtype=torch.float64))


def test_binary_fg_divide_is_finite_for_saturated_logits():
    head = _head(out_channels=1)
    m = torch.tensor([-200.0, -5.0, 0.0, 5.0, 200.0]).view(1, 1, 1, 5)
    u = torch.tensor([[0.0, -3.0, 1.0, 5.0, 2.0]] * 2).view(1, 2, 1, 5)
    out = head.final_logits(m, u)
    assert torch.isfinite(out[..., :4]).all()
    assert out[0, 0, 0, 0] < -100  # still background
    # where delta = 0 the logit is m; elsewhere it is lower
    delta = head.uncertainty(u)[:, 1:2]
    zero = delta == 0
    assert zero.any()
    torch.testing.assert_close(out[zero], m[zero])
    assert (out[~zero] < m[~zero]).all()


def test_alpha_trained_through_the_output_only():
    head = _head(out_channels=1, loss_evidential=None, seg_loss_on='final')
    losses = head.loss(_feats(), _samples(2 * T), {})
    assert 'loss_evidential' not in losses
    sum(v for k, v in losses.items() if k.startswith('loss')).backward()
    assert head.uncertainty_head[1].weight.grad.abs().sum() > 0
    with pytest.raises(ValueError, match="seg_loss_on='final'"):
        _head(out_channels=1, loss_evidential=None)
    with pytest.raises(ValueError, match='fg_divide'):
        _head(out_channels=1, loss_evidential=None, seg_loss_on='final',
              binary_rule='class_ratio')
    with pytest.raises(ValueError, match='binary_rule'):
        _head(binary_rule='gate')


def _gt(samples):
    return torch.cat([s.gt_sem_seg.data for s in samples])


def test_losses_match_direct_formulas_on_labelled_frames():
    head = _head(out_channels=1)
    feats = _feats()
    samples = _samples(2 * T, ignore_frames=(1, 2, 4, 5))
    losses = head.loss(feats, samples, {})
    assert set(losses) == {
        'loss_ce', 'loss_dice', 'loss_iou', 'loss_evidential', 'acc_seg'
    }
    with torch.no_grad():  # the same training-mode forward, recomputed
        m, u = head.decode(feats, T)
    label = _gt(samples)
    valid = label != 255
    assert valid.any(dim=(1, 2)).tolist() == [True, False, False] * 2
    logits = F.interpolate(m, size=(32, 32), mode='bilinear')[:, 0]
    target = label.clamp(max=1).float()
    bce = F.binary_cross_entropy_with_logits(logits[valid], target[valid])
    torch.testing.assert_close(losses['loss_ce'], bce)
    # Dice and IoU: per labelled frame over its labelled pixels, then mean
    p = torch.sigmoid(logits) * valid
    t = target * valid
    inter, psum, tsum = [x.sum((1, 2))[[0, 3]] for x in (p * t, p, t)]
    dice = 1 - (2 * inter + 1) / (psum + tsum + 1)
    iou = 1 - (inter + 1) / (psum + tsum - inter + 1)
    torch.testing.assert_close(losses['loss_dice'], dice.mean())
    torch.testing.assert_close(losses['loss_iou'], iou.mean())
    # evidential (first update: no KL yet): psi(S) - psi(alpha_y), with
    # alpha = softplus(u) + 1 resized to the label, over labelled pixels
    alpha = F.softplus(F.interpolate(u, size=(32, 32), mode='bilinear')) + 1
    alpha = alpha.permute(0, 2, 3, 1)[valid]
    y = label[valid]
    ece = torch.digamma(alpha.sum(1)) - torch.digamma(
        alpha.gather(1, y[:, None])[:, 0])
    torch.testing.assert_close(losses['loss_evidential'], ece.mean())
    total = sum(v for k, v in losses.items() if k.startswith('loss'))
    total.backward()
    assert head.uncertainty_head[1].weight.grad.abs().sum() > 0
    assert head.temporal_attn.in_proj_weight.grad.abs().sum() > 0
    pred = head.predict(feats, [s.metainfo for s in samples], {})
    assert pred.shape == (2 * T, 1, 32, 32)


def test_temporal_attention_mixes_frames_of_a_clip_only():
    head = _head(out_channels=3).eval()
    feats = _feats(clips=2)
    changed = [f.clone() for f in feats]
    changed[0][T + 1] += 5  # frame 1 of the second clip
    with torch.no_grad():
        a = head.seg_logits(head.forward(feats, T))
        b = head.seg_logits(head.forward(changed, T))
    assert not torch.allclose(a[T], b[T])  # same clip, other frame
    torch.testing.assert_close(a[:T], b[:T])  # other clip untouched
    flat = _head(out_channels=3, use_temporal_attn=False).eval()
    with torch.no_grad():
        a = flat.seg_logits(flat.forward(feats, T))
        b = flat.seg_logits(flat.forward(changed, T))
    torch.testing.assert_close(a[T], b[T])


def test_without_uncertainty_and_errors():
    head = _head(out_channels=3, use_uncertainty=False)
    feats = _feats()
    losses = head.loss(feats, _samples(2 * T, num_classes=3), {})
    assert 'loss_evidential' not in losses
    m, u = head.decode(feats, T)
    assert u is None
    torch.testing.assert_close(head.seg_logits(head.forward(feats, T)), m)
    with pytest.raises(ValueError, match='num_frames'):
        head.forward(feats)
    # tensor mode: the clip length comes from the config
    configured = _head(out_channels=3, num_frames=T).eval()
    assert configured.seg_logits(
        configured.forward(feats)).shape == (2 * T, 3, 8, 8)
    with pytest.raises(ValueError, match='multiple of num_frames'):
        head.forward(feats, 4)
    with pytest.raises(ValueError, match='seg_loss_on'):
        _head(seg_loss_on='both')


def test_seg_loss_on_final_output():
    head = _head(out_channels=3, seg_loss_on='final')
    feats = _feats()
    samples = _samples(2 * T, num_classes=3)
    loss = head.loss(feats, samples, {})['loss_ce']
    with torch.no_grad():
        m, u = head.decode(feats, T)
    final = F.interpolate(
        _direct_semantic_final(m, u), size=(32, 32), mode='bilinear')
    torch.testing.assert_close(loss, F.cross_entropy(final, _gt(samples)))
    on_mask = F.cross_entropy(
        F.interpolate(m, size=(32, 32), mode='bilinear'), _gt(samples))
    assert abs(loss.item() - on_mask.item()) > 1e-3
