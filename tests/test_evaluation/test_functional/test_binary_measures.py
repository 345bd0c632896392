# Copyright (c) mmavs contributors. All rights reserved.
"""Hand-computed checks of the binary measures behind the AVS metrics."""
import pytest
import torch

from mmavs.evaluation.functional import (binary_frame_stats, binary_scores,
                                         fmeasure_curves, fmeasure_thresholds,
                                         frame_iou, threshold_buckets,
                                         threshold_counts)

BIG = 30.0  # sigmoid(30) == 1.0 and sigmoid(-200) == 0.0 in float32


def f_beta(p, r, beta2=0.3):
    return (1 + beta2) * p * r / (beta2 * p + r) if p + r > 0 else 0.0


def frames_abc():
    """Three 2x2 frames.

    A: GT one pixel; logits +5 (GT pixel), +1, -5, -5.
    B: empty GT; logits +5, -5, -5, -5.
    C: GT two pixels; all logits -10 (empty prediction).
    """
    logits = torch.tensor([[[5., 1.], [-5., -5.]], [[5., -5.], [-5., -5.]],
                           [[-10., -10.], [-10., -10.]]])
    labels = torch.tensor([[[1, 0], [0, 0]], [[0, 0], [0, 0]], [[1, 1], [0,
                                                                         0]]])
    return logits, labels


def test_thresholds_are_official():
    th = fmeasure_thresholds()
    assert th.dtype == torch.float32 and th.numel() == 255
    assert th[0] == 0 and th[-1] == 1.0  # 1 - 1e-10 rounds to 1 in float32
    assert bool((th[1:] > th[:-1]).all())
    assert torch.equal(th, torch.linspace(0, 1 - 1e-10, 255))

def test_frame_stats_and_iou_hand_computed():
    logits, labels = frames_abc()
    stats = binary_frame_stats(logits, labels)
    assert stats['inter'].tolist() == [1, 0, 0]
    assert stats['union'].tolist() == [2, 1, 2]
    assert stats['pred_fg'].tolist() == [2, 1, 0]
    assert stats['gt_fg'].tolist() == [1, 0, 2]
    assert stats['num_pixels'].tolist() == [4, 4, 4]
    j = frame_iou(stats)
    # A: 1 / 2; B (empty GT): TN / (H * W) = 3 / 4; C: 0.
    assert j.tolist() == pytest.approx([0.5, 0.75, 0.0], abs=1e-6)
    # the official eps 1e-7 lowers a one-pixel union's IoU in float32
    one = binary_frame_stats(
        torch.tensor([[[1.0, -1.0]]]), torch.tensor([[[1, 0]]]))
    assert frame_iou(one).item() == pytest.approx(1 / (1 + 1.1920929e-7))
    assert frame_iou(one).item() < 1.0

def test_fmeasure_curve_hand_computed():
    logits, labels = frames_abc()
    stats = binary_frame_stats(logits, labels)
    tp = threshold_counts(stats['hist_fg'])
    pred = threshold_counts(stats['hist_all'])
    th = fmeasure_thresholds()
    p_a = torch.sigmoid(torch.tensor([5., 1., -5.]))
    # frame A: predicted pixel counts at each threshold
    expect_pred = ((p_a[0] >= th).long() + (p_a[1] >= th).long() + 2 *
                   (p_a[2] >= th).long())
    assert torch.equal(pred[0], expect_pred)
    assert torch.equal(tp[0], (p_a[0] >= th).long())
    curves = fmeasure_curves(tp, pred, stats['gt_fg'])
    # A at threshold 0: 4 predicted, P = 1/4, R = 1
    assert curves[0, 0].item() == pytest.approx(f_beta(0.25, 1.0))
    # A at threshold 100/254: P = 1/2, R = 1
    assert curves[0, 100].item() == pytest.approx(f_beta(0.5, 1.0))
    # A above sigmoid(5): nothing predicted, 0/0 -> 0
    assert curves[0, -1].item() == 0.0
    assert curves[0].max().item() == pytest.approx(1.0)
    # C (empty prediction): only threshold 0 predicts every pixel
    assert curves[2, 0].item() == pytest.approx(f_beta(0.5, 1.0))
    assert curves[2, 1:].abs().max().item() == 0.0

def test_scores_three_modes_hand_computed():
    logits, labels = frames_abc()
    stats = binary_frame_stats(logits, labels)
    frame = binary_scores(stats, 'frame')
    assert frame['J'] == pytest.approx((0.5 + 0.75 + 0.0) / 3, abs=1e-6)
    # mean of A's and C's curves (B skipped): best at (sigmoid(1), sigmoid(5)]
    assert frame['F'] == pytest.approx((1.0 + 0.0) / 2)
    assert frame['FPR'] == pytest.approx((2 / 4 + 1 / 4 + 0) / 3)
    # one frame per batch: F(B) = 0 counts as a batch
    avs = binary_scores(stats, 'avsbench', torch.tensor([0, 1, 2]))
    assert avs['J'] == pytest.approx(frame['J'])
    assert avs['F'] == pytest.approx((1.0 + 0.0 + f_beta(0.5, 1.0)) / 3)
    # dataset: sum(inter) / sum(union), F from accumulated counts
    data = binary_scores(stats, 'dataset')
    assert data['J'] == pytest.approx(1 / 5)
    candidates = [
        f_beta(3 / 12, 3 / 3),  # threshold 0
        f_beta(1 / 8, 1 / 3),  # (0, sigmoid(-5)]
        f_beta(1 / 3, 1 / 3),  # (sigmoid(-5), sigmoid(1)]
        f_beta(1 / 2, 1 / 3),  # (sigmoid(1), sigmoid(5)]
    ]
    assert data['F'] == pytest.approx(max(candidates))
    assert data['FPR'] == pytest.approx(3 / 12)

def test_all_empty_gt_gives_zero_f():
    logits = torch.randn(2, 4, 4)
    stats = binary_frame_stats(logits, torch.zeros(2, 4, 4, dtype=torch.long))
    scores = binary_scores(stats, 'frame')
    assert scores['F'] == 0.0
    tn = ((torch.sigmoid(logits) <= 0.5).flatten(1).sum(1) / 16.0)
    assert scores['J'] == pytest.approx(tn.mean().item(), abs=1e-6)

def test_bucket_ties_match_official_comparison():
    """Probabilities exactly on thresholds (0, 0.5, 1.0) and random ones."""
    th = fmeasure_thresholds()
    logits = torch.cat([
        torch.tensor([-200.0, 0.0, BIG, -BIG, 1e-8]),
        torch.logit(th[1:-1].double()).float(),
        torch.randn(200) * 4
    ]).view(1, 1, -1)
    labels = (torch.rand(1, 1, logits.shape[-1]) > 0.5).long()
    stats = binary_frame_stats(logits, labels)
    prob = torch.sigmoid(logits)
    assert prob[0, 0, 0] == 0 and prob[0, 0, 1] == 0.5
    assert prob[0, 0, 2] == 1.0
    loop_pred = torch.stack([(prob >= t).sum() for t in th])
    loop_tp = torch.stack([((prob >= t) & (labels == 1)).sum() for t in th])
    assert torch.equal(threshold_counts(stats['hist_all'])[0], loop_pred)
    assert torch.equal(threshold_counts(stats['hist_fg'])[0], loop_tp)

def test_buckets_equal_searchsorted_near_every_threshold():
    th = fmeasure_thresholds()
    near = [th]
    for direction in (float('inf'), float('-inf')):
        x = th.clone()
        for _ in range(4):  # the 4 float32 neighbours on each side
            x = torch.nextafter(x, torch.full_like(x, direction))
            near.append(x)
    prob = torch.cat(near + [torch.rand(100000), th * 0.5 + 0.25])
    prob = prob.clamp(0, 1)
    expect = torch.searchsorted(th, prob, right=True)
    assert torch.equal(threshold_buckets(prob, th), expect)

def test_ignore_pixels_are_not_scored():
    logits = torch.tensor([[[5., 5.], [-5., -5.]]])
    labels = torch.tensor([[[1, 255], [0, 255]]])
    stats = binary_frame_stats(logits, labels)
    assert stats['num_pixels'].item() == 2
    assert stats['pred_fg'].item() == 1
    assert int(stats['hist_all'].sum()) == 2
    assert frame_iou(stats).item() == pytest.approx(1.0, abs=1e-6)
