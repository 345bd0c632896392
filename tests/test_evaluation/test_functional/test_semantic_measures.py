# Copyright (c) mmavs contributors. All rights reserved.
"""Hand-computed checks of the semantic measures behind the AVSS metric."""
import pytest
import torch

from mmavs.evaluation.functional import (pooled_semantic_scores,
                                         semantic_frame_stats, semantic_scores)


def f_beta(p, r, beta2=0.3):
    return (1 + beta2) * p * r / (beta2 * p + r) if p + r > 0 else 0.0


def test_semantic_scores_hand_computed():
    # 3 classes, two 1x4 frames; class 2 never appears
    onehot = torch.eye(3) * 10
    pred0 = torch.tensor([0, 1, 1, 0])
    pred1 = torch.tensor([0, 0, 0, 0])
    logits = torch.stack([onehot[pred0].T, onehot[pred1].T]).unsqueeze(2)
    labels = torch.tensor([[[0, 1, 0, 0]], [[0, 0, 1, 255]]])
    stats = semantic_frame_stats(logits, labels)
    assert stats['inter'].tolist() == [[2, 1, 0], [2, 0, 0]]
    assert stats['pred'].tolist() == [[2, 2, 0], [3, 0, 0]]
    assert stats['label'].tolist() == [[3, 1, 0], [2, 1, 0]]
    s = semantic_scores(stats, bg_index=0)
    iou0 = (2 / 3 + 2 / 3) / 2
    iou1 = (1 / 2 + 0) / 2
    f0 = (f_beta(1, 2 / 3) + f_beta(2 / 3, 1)) / 2
    f1 = (f_beta(1 / 2, 1) + 0) / 2
    assert s['count'].tolist() == [2, 2, 0]
    assert s['iou_pc'].tolist() == pytest.approx([iou0, iou1, 0.0])
    assert float(s['mIoU']) == pytest.approx((iou0 + iou1 + 0) / 3)
    assert float(s['F']) == pytest.approx((f0 + f1 + 0) / 3)
    assert float(s['mIoU_noBg']) == pytest.approx((iou1 + 0) / 2)
    assert float(s['mIoU_noBg_legacy']) == pytest.approx((iou0 + iou1) / 2)
    assert float(s['F_noBg']) == pytest.approx(f1 / 2)


def test_pooled_semantic_scores_hand_computed():
    # counts pooled over two frames: class 0 has FN > FP, class 1 FP > FN
    # (a swapped beta^2 changes both), class 2 never occurs
    stats = dict(
        inter=torch.tensor([[3, 1, 0], [1, 0, 0]]),
        pred=torch.tensor([[4, 3, 0], [1, 2, 0]]),
        label=torch.tensor([[5, 1, 0], [3, 0, 0]]))
    s = pooled_semantic_scores(stats)
    # IoU = I / (P + L - I); F = 1.3 TP / (1.3 TP + 0.3 FN + FP)
    iou = [4 / (5 + 8 - 4), 1 / (5 + 1 - 1), 0.0]
    f0 = 1.3 * 4 / (1.3 * 4 + 0.3 * 4 + 1)
    f1 = 1.3 * 1 / (1.3 * 1 + 0.3 * 0 + 4)
    assert s['iou_pc'].tolist() == pytest.approx(iou)
    assert s['fscore_pc'][:2].tolist() == pytest.approx([f0, f1])
    assert torch.isnan(s['fscore_pc'][2])
    assert float(s['mIoU']) == pytest.approx(sum(iou) / 3)
    assert float(s['F']) == pytest.approx((f0 + f1) / 2)
