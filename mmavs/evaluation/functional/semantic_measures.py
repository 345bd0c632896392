# Copyright (c) mmavs contributors. All rights reserved.
"""AVSBench-Semantic (AVSS) measures as pure tensor functions.

Facts of the official code (``avs_scripts/avss/utils/compute_color_metrics.py``
``_batch_miou_fscore`` and ``avss/test.py``) reproduced here:

* prediction ``argmax(softmax(logits))``; per frame and class the areas of
  intersection, prediction and label (``torch.histc`` over the class ids);
* per frame and class ``IoU = inter / (2.22e-16 + union)`` (0 for a class in
  neither prediction nor label) and
  ``F = 1.3 * P * R / (0.3 * P + R)`` with ``P = inter / pred``,
  ``R = inter / label``, NaN set to 0 (no threshold sweep);
* a frame counts for a class only when the class is in its prediction or
  label (``union > 0``); per class the sums are divided by that count;
* ``miou = mean`` over **all** classes, a class that never occurs (count 0,
  0/0 = NaN) contributing 0; the same for F;
* ``miou_noBg = mean(miou_pc[:-1])`` drops the *last* class although
  background is class 0 (:func:`semantic_scores` reports it only as the
  legacy value);
* padded frames (v1 clips padded from 5 to 10 frames) carry an all-zero
  (background) label and are scored like real frames.

The official code has no ignore label; here pixels labelled ``ignore_index``
are left out of prediction, label and intersection areas.
"""
from typing import Dict

import torch
from torch import Tensor

BETA2 = 0.3
IOU_EPS = 2.220446049250313e-16


def semantic_frame_stats(logits: Tensor,
                         labels: Tensor,
                         ignore_index: int = 255) -> Dict[str, Tensor]:
    """Per-frame, per-class areas of intersection, prediction and label.

    Args:
        logits (Tensor): ``[N, C, H, W]`` class logits.
        labels (Tensor): ``[N, H, W]`` integer labels in ``[0, C)`` or
            ``ignore_index``.
        ignore_index (int): Label of pixels that are not scored.

    Returns:
        dict[str, Tensor]: int64 ``[N, C]`` tensors ``inter``, ``pred`` and
        ``label``.
    """
    n, c = logits.shape[:2]
    if labels.shape != (n, ) + tuple(logits.shape[2:]):
        raise ValueError(f'logits {tuple(logits.shape)} and labels '
                         f'{tuple(labels.shape)} do not match')
    pred = torch.softmax(logits.float(), dim=1).argmax(1)
    scored = labels != ignore_index
    base = (torch.arange(n, device=labels.device) * c).view(n, 1, 1)
    pred_idx = pred + base
    label_idx = torch.where(scored, labels, torch.zeros_like(labels)) + base
    hit = scored & (pred == labels)
    size = n * c
    return dict(
        inter=torch.bincount(label_idx[hit], minlength=size).view(n, c),
        pred=torch.bincount(pred_idx[scored], minlength=size).view(n, c),
        label=torch.bincount(label_idx[scored], minlength=size).view(n, c))


def frame_class_scores(stats: Dict[str, Tensor],
                       beta2: float = BETA2) -> Dict[str, Tensor]:
    """Official per-frame, per-class IoU and F (float32) and presence.

    Args:
        stats (dict[str, Tensor]): Output of :func:`semantic_frame_stats`.
        beta2 (float): beta squared of the F-measure.

    Returns:
        dict[str, Tensor]: float32 ``[N, C]`` ``iou`` and ``fscore``, bool
        ``[N, C]`` ``present`` (class in prediction or label).
    """
    inter = stats['inter'].float()
    pred = stats['pred'].float()
    label = stats['label'].float()
    union = pred + label - inter
    iou = 1.0 * inter / (IOU_EPS + union)
    precision = inter / pred
    recall = inter / label
    fscore = (1 + beta2) * precision * recall / (beta2 * precision + recall)
    fscore = torch.where(torch.isnan(fscore), torch.zeros_like(fscore), fscore)
    return dict(iou=iou, fscore=fscore, present=union > 0)


def semantic_scores(stats: Dict[str, Tensor],
                    bg_index: int = 0,
                    beta2: float = BETA2) -> Dict[str, Tensor]:
    """Per-class and mean IoU / F over a set of frames.

    Args:
        stats (dict[str, Tensor]): Concatenated outputs of
            :func:`semantic_frame_stats`.
        bg_index (int): The background class (excluded from the ``_noBg``
            means).
        beta2 (float): beta squared of the F-measure.

    Returns:
        dict[str, Tensor]: float64 ``[C]`` ``iou_pc``, ``fscore_pc`` (0 for
        classes that never occur), int64 ``[C]`` ``count`` (frames in which
        the class occurs) and float64 scalars ``mIoU``, ``F`` (means over all
        classes, the official definition), ``mIoU_noBg``, ``F_noBg``
        (without ``bg_index``), ``mIoU_noBg_legacy``, ``F_noBg_legacy``
        (without the last class, as the official ``miou_noBg``).
    """
    scores = frame_class_scores(stats, beta2)
    count = scores['present'].sum(0)
    denom = count.clamp(min=1).double()
    iou_pc = scores['iou'].double().sum(0) / denom
    fscore_pc = scores['fscore'].double().sum(0) / denom
    iou_pc = torch.where(count > 0, iou_pc, torch.zeros_like(iou_pc))
    fscore_pc = torch.where(count > 0, fscore_pc, torch.zeros_like(fscore_pc))
    num_classes = iou_pc.numel()
    if not 0 <= bg_index < num_classes:
        raise ValueError(f'bg_index {bg_index} is outside [0, '
                         f'{num_classes})')
    keep = torch.ones(num_classes, dtype=torch.bool)
    keep[bg_index] = False
    return {
        'iou_pc': iou_pc,
        'fscore_pc': fscore_pc,
        'count': count,
        'mIoU': iou_pc.mean(),
        'F': fscore_pc.mean(),
        'mIoU_noBg': iou_pc[keep].mean(),
        'F_noBg': fscore_pc[keep].mean(),
        'mIoU_noBg_legacy': iou_pc[:-1].mean(),
        'F_noBg_legacy': fscore_pc[:-1].mean(),
    }


def pooled_semantic_scores(stats: Dict[str, Tensor],
                           beta2: float = BETA2) -> Dict[str, Tensor]:
    """Per-class IoU and F from areas pooled over all frames.

    CAVP's ``MIoU`` and ``ForegroundDetect`` (``utils/eval_utils.py``):
    per class ``IoU = sum(inter) / (eps + sum(union))`` over the frames, a
    class that never occurs scoring 0, ``mIoU`` the mean over all classes;
    per class ``F = (1 + b2) TP / ((1 + b2) TP + b2 FN + FP)`` from the
    pooled confusion counts, ``F`` the mean over the classes where it is
    defined (``nanmean``).

    Args:
        stats (dict[str, Tensor]): Concatenated outputs of
            :func:`semantic_frame_stats`.
        beta2 (float): beta squared of the F-measure.

    Returns:
        dict[str, Tensor]: float64 ``iou_pc``, ``fscore_pc`` (NaN where
        undefined) and scalars ``mIoU``, ``F``.
    """
    inter = stats['inter'].double().sum(0)
    pred = stats['pred'].double().sum(0)
    label = stats['label'].double().sum(0)
    iou_pc = inter / (IOU_EPS + pred + label - inter)
    fp = pred - inter
    fn = label - inter
    fscore_pc = (1 + beta2) * inter / ((1 + beta2) * inter + beta2 * fn + fp)
    return dict(
        iou_pc=iou_pc,
        fscore_pc=fscore_pc,
        mIoU=iou_pc.mean(),
        F=torch.nanmean(fscore_pc))
