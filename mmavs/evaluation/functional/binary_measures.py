# Copyright (c) mmavs contributors. All rights reserved.
"""AVSBench binary measures (J = mask IoU, F = max F-beta) as pure tensor
functions.

Every frame is reduced to a few counts (:func:`binary_frame_stats`); the
scores are computed from those counts (:func:`binary_scores`), so a metric
never keeps full-resolution masks.

Facts of the official AVSBench code (``avs_scripts/avs_s4/utils/utility.py``)
that these functions reproduce:

* ``mask_iou``: prediction ``sigmoid(logit) > 0.5``; per frame
  ``inter / (union + 1e-7)`` in float32; a frame whose ground truth is empty
  scores ``TN / (H * W)`` (the fraction of pixels correctly left empty)
  instead of being skipped; the result is the mean over the frames of the
  batch.
* ``Eval_Fmeasure`` / ``_eval_pr``: probabilities ``sigmoid(logit)``
  (not min-max normalised per frame, unlike some saliency F-measure code),
  255 thresholds ``torch.linspace(0, 1 - 1e-10, 255)`` built in float32 on
  the CPU (so the last threshold is exactly 1.0), foreground at a threshold
  is ``prob >= threshold``; ``precision = tp / (pred + 1e-20)``,
  ``recall = tp / (gt + 1e-20)``, ``F = 1.3 * P * R / (0.3 * P + R)`` with
  NaN set to 0; frames with an all-zero ground truth are skipped; the F
  curves are averaged over the remaining frames and the maximum over
  thresholds is returned. A batch whose frames all have an empty ground
  truth returns ``torch.zeros(255).max() = 0`` and still counts as a batch.
* the test scripts average both values over evaluation batches
  (``pyutils.AverageMeter``: the sum of the per-batch values divided by the
  number of batches, unweighted, so a smaller last batch weighs as much as
  a full one); F, and through the last batch J, depend on the test batch
  size.

Per-frame J values and F curves computed here are bit-identical to the
official float32 arithmetic on the same device; averages over frames are
taken in float64 (the official code accumulates in float32), which changes
results only at the level of float32 rounding (< 1e-6).
"""
from typing import Dict, Optional

import torch
from torch import Tensor

NUM_THRESHOLDS = 255
BETA2 = 0.3
IOU_EPS = 1e-7
PR_EPS = 1e-20

#: Score modes of :func:`binary_scores`.
MODES = ('frame', 'avsbench', 'dataset')


def fmeasure_thresholds(num: int = NUM_THRESHOLDS,
                        device: Optional[torch.device] = None) -> Tensor:
    """The official F-measure thresholds.

    ``torch.linspace(0, 1 - 1e-10, num)`` in float32, built on the CPU as
    the official code does before moving it to the GPU. ``1 - 1e-10`` rounds
    to 1.0 in float32.

    Args:
        num (int): Number of thresholds. Defaults to 255.
        device (torch.device, optional): Where to put the result.

    Returns:
        Tensor: float32 thresholds ``[num]``, strictly increasing.
    """
    th = torch.linspace(0, 1 - 1e-10, num, dtype=torch.float32)
    return th if device is None else th.to(device)


def threshold_buckets(prob: Tensor, thresholds: Tensor) -> Tensor:
    """Number of thresholds each probability reaches (``prob >= th``).

    Equal to ``torch.searchsorted(thresholds, prob, right=True)`` for the
    official evenly spaced thresholds, computed faster: the candidate
    ``floor(prob * (K - 1))`` is corrected by one exact float32 comparison
    with each neighbouring threshold, so ties and rounding follow the
    official ``y_pred >= thlist[i]``.

    Args:
        prob (Tensor): float32 probabilities in [0, 1].
        thresholds (Tensor): The ``K`` thresholds of
            :func:`fmeasure_thresholds` on ``prob``'s device.

    Returns:
        Tensor: int32 bucket index in ``[0, K]``, shape of ``prob``.
    """
    k = thresholds.numel()
    padded = torch.cat([thresholds, thresholds.new_full((1, ), float('inf'))])
    flat = prob.reshape(-1)
    cand = (flat * (k - 1)).int().clamp_(0, k - 1)
    # bucket = cand + [th[cand] <= p] + [th[cand + 1] <= p]  (int32)
    lower_ok = padded.index_select(0, cand).le(flat)
    upper_ok = padded.index_select(0, cand + 1).le(flat)
    bucket = cand.add_(lower_ok).add_(upper_ok).view(prob.shape)
    return bucket


def binary_frame_stats(
        logits: Tensor,
        labels: Tensor,
        ignore_index: int = 255,
        num_thresholds: int = NUM_THRESHOLDS) -> Dict[str, Tensor]:
    """Reduce binary predictions to per-frame counts.

    Pixels labelled ``ignore_index`` are left out of every count.

    The F-measure counts are histograms over ``num_thresholds + 1``
    buckets: a pixel with probability ``p`` goes to bucket
    ``k = #{i : p >= thresholds[i]}`` (:func:`threshold_buckets`, the same
    float32 comparison as the official ``y_pred >= thlist[i]``), so it is
    foreground at threshold ``i`` exactly when ``k > i``. One ``bincount``
    over (frame, ground-truth class, bucket) codes gives all histograms.

    Args:
        logits (Tensor): Raw logits ``[N, H, W]`` (or ``[N, 1, H, W]``).
        labels (Tensor): Integer labels ``[N, H, W]``: 0, 1 or
            ``ignore_index``.
        ignore_index (int): Label of pixels that are not scored.
        num_thresholds (int): Number of F-measure thresholds.

    Returns:
        dict[str, Tensor]: int64 ``[N]`` tensors ``num_pixels`` (scored
        pixels), ``gt_fg``, ``pred_fg`` (``sigmoid > 0.5``), ``inter``,
        ``union`` and int32 ``[N, num_thresholds + 1]`` histograms
        ``hist_fg`` (ground-truth foreground pixels) and ``hist_all`` (all
        scored pixels) of the bucket index.
    """
    if logits.dim() == 4:
        logits = logits.squeeze(1)
    if logits.dim() != 3 or logits.shape != labels.shape:
        raise ValueError(f'logits {tuple(logits.shape)} and labels '
                         f'{tuple(labels.shape)} must both be [N, H, W]')
    n = logits.shape[0]
    nbins = num_thresholds + 1
    prob = torch.sigmoid(logits.float()).view(n, -1)
    labels = labels.reshape(n, -1)
    fg = labels == 1
    code = threshold_buckets(prob,
                             fmeasure_thresholds(num_thresholds, prob.device))
    # code = (2 * frame + is_fg) * nbins + bucket; ignored pixels -> trash
    offset = torch.arange(
        0, 2 * n * nbins, 2 * nbins, dtype=torch.int32, device=prob.device)
    code.add_(offset.view(n, 1)).add_(fg.int().mul_(nbins))
    scored = labels != ignore_index
    has_ignored = not bool(scored.all())
    if has_ignored:
        code.masked_fill_(~scored, 2 * n * nbins)
    hist = torch.bincount(code.view(-1), minlength=2 * n * nbins + 1)
    hist = hist[:2 * n * nbins].view(n, 2, nbins)
    hist_fg = hist[:, 1]
    hist_all = hist[:, 0] + hist_fg
    pred = prob > 0.5
    if has_ignored:
        pred &= scored
    pred_fg = torch.count_nonzero(pred, dim=1)
    inter = torch.count_nonzero(pred & fg, dim=1)
    gt_fg = hist_fg.sum(1)
    num_pixels = hist_all.sum(1)
    return dict(
        num_pixels=num_pixels,
        gt_fg=gt_fg,
        pred_fg=pred_fg,
        inter=inter,
        union=gt_fg + pred_fg - inter,
        hist_fg=hist_fg.int(),
        hist_all=hist_all.int())


def threshold_counts(hist: Tensor) -> Tensor:
    """Counts of pixels at or above each threshold from bucket histograms.

    Args:
        hist (Tensor): ``[N, K + 1]`` bucket histograms.

    Returns:
        Tensor: int64 ``[N, K]``; entry ``i`` counts pixels with
        ``prob >= thresholds[i]``.
    """
    above = hist.long().flip(-1).cumsum(-1).flip(-1)
    return above[:, 1:]


def frame_iou(stats: Dict[str, Tensor], eps: float = IOU_EPS) -> Tensor:
    """Official per-frame J (``mask_iou`` before averaging), float32.

    ``inter / (union + eps)``; for an empty ground truth
    ``TN / (num_pixels + eps)``.

    Args:
        stats (dict[str, Tensor]): Output of :func:`binary_frame_stats`.
        eps (float): The official 1e-7.

    Returns:
        Tensor: float32 ``[N]``.
    """
    empty = stats['gt_fg'] == 0
    tn = stats['num_pixels'] - stats['union']
    num = torch.where(empty, tn, stats['inter']).float()
    den = torch.where(empty, stats['num_pixels'], stats['union']).float()
    return num / (den + eps)


def fmeasure_curves(tp: Tensor,
                    pred: Tensor,
                    gt: Tensor,
                    beta2: float = BETA2,
                    eps: float = PR_EPS,
                    dtype: torch.dtype = torch.float32) -> Tensor:
    """F-beta per threshold with the official arithmetic.

    Args:
        tp (Tensor): ``[..., K]`` true-positive counts per threshold.
        pred (Tensor): ``[..., K]`` predicted-foreground counts.
        gt (Tensor): ``[...]`` ground-truth foreground counts.
        beta2 (float): beta squared, 0.3.
        eps (float): The official 1e-20 of the denominators.
        dtype (torch.dtype): float32 (the official per-frame arithmetic) or
            float64 (for counts accumulated over many frames, which float32
            would round).

    Returns:
        Tensor: ``[..., K]`` of ``dtype``, NaN replaced by 0.
    """
    tp = tp.to(dtype)
    prec = tp / (pred.to(dtype) + eps)
    recall = tp / (gt.to(dtype).unsqueeze(-1) + eps)
    f_score = (1 + beta2) * prec * recall / (beta2 * prec + recall)
    return torch.where(
        torch.isnan(f_score), torch.zeros_like(f_score), f_score)


def _batch_scores(values: Tensor, curves: Tensor, curve_frames: Tensor,
                  batch: Tensor) -> Dict[str, Tensor]:
    """Per-batch mean of ``values`` and max of the mean F curve."""
    num_batches = int(batch.max()) + 1 if batch.numel() else 0
    count = torch.bincount(batch, minlength=num_batches)
    sums = torch.zeros(num_batches, values.shape[1], dtype=torch.float64)
    sums.index_add_(0, batch, values.double())
    cbatch = batch[curve_frames]
    ccount = torch.bincount(cbatch, minlength=num_batches)
    csum = torch.zeros(num_batches, curves.shape[1], dtype=torch.float64)
    csum.index_add_(0, cbatch, curves.double())
    fmax = (csum / ccount.clamp(min=1).unsqueeze(1)).max(1).values
    fmax = torch.where(ccount > 0, fmax, torch.zeros_like(fmax))
    keep = count > 0
    means = sums[keep] / count[keep].unsqueeze(1)
    return dict(means=means, fmax=fmax[keep])


def binary_scores(stats: Dict[str, Tensor],
                  mode: str = 'frame',
                  batch: Optional[Tensor] = None,
                  beta2: float = BETA2,
                  empty_gt_in_f: bool = False) -> Dict[str, float]:
    """J, F and the foreground rate of a set of frames.

    Modes:

    * ``'frame'``: the official formulas with all frames as one batch:
      J is the mean of the per-frame J, F the maximum over thresholds of the
      F curve averaged over frames with a non-empty ground truth (0 when
      there is none). Independent of how frames were batched.
    * ``'avsbench'``: the official test scripts: both formulas per batch
      (``batch`` gives each frame's batch), then the mean over batches.
    * ``'dataset'``: counts accumulated over all frames: J = sum(inter) /
      sum(union) (no empty-frame convention; 0 when the union is empty), F
      the maximum over thresholds of the F-beta of the accumulated
      true-positive, predicted and ground-truth counts (all frames included,
      so false positives on empty frames count).

    ``empty_gt_in_f=True`` keeps the frames with an empty ground truth in
    the F average of the 'frame' and 'avsbench' modes (the official F curve
    of such a frame is all zeros: recall and precision are 0, the NaN of
    ``0 / 0`` is set to 0); the official code leaves them out of F while J
    counts them. The 'dataset' mode always counts every frame.

    ``FPR`` is the fraction of scored pixels predicted foreground
    (``sigmoid > 0.5``), per frame averaged like J (pooled in 'dataset'
    mode), the AVSBench-Robust definition.

    Args:
        stats (dict[str, Tensor]): Concatenated outputs of
            :func:`binary_frame_stats` (CPU tensors).
        mode (str): 'frame', 'avsbench' or 'dataset'.
        batch (Tensor, optional): int64 ``[N]`` batch index of each frame;
            required for 'avsbench'.
        beta2 (float): beta squared of the F-measure.
        empty_gt_in_f (bool): Average F over all frames, empty ground
            truths included. Defaults to False (the official rule).

    Returns:
        dict[str, float]: ``J``, ``F``, ``FPR`` and ``num_frames``.
    """
    if mode not in MODES:
        raise ValueError(f'mode must be one of {MODES}, got {mode!r}')
    n = int(stats['num_pixels'].numel())
    if n == 0:
        return dict(J=0.0, F=0.0, FPR=0.0, num_frames=0)
    tp = threshold_counts(stats['hist_fg'])
    pred = threshold_counts(stats['hist_all'])
    gt_fg = stats['gt_fg']
    if mode == 'dataset':
        union = int(stats['union'].sum())
        j = int(stats['inter'].sum()) / union if union > 0 else 0.0
        curve = fmeasure_curves(
            tp.sum(0), pred.sum(0), gt_fg.sum(), beta2, dtype=torch.float64)
        fpr = int(stats['pred_fg'].sum()) / int(stats['num_pixels'].sum())
        return dict(J=j, F=float(curve.max()), FPR=float(fpr), num_frames=n)
    if mode == 'avsbench':
        if batch is None or batch.shape != (n, ):
            raise ValueError("mode 'avsbench' needs the batch index of "
                             'every frame')
        batch = torch.unique(batch, return_inverse=True)[1]
    else:
        batch = torch.zeros(n, dtype=torch.long)
    values = torch.stack([
        frame_iou(stats),
        stats['pred_fg'].double() / stats['num_pixels'].double()
    ], 1)
    in_f = gt_fg > 0
    if empty_gt_in_f:
        in_f = torch.ones_like(in_f)
    curves = fmeasure_curves(tp[in_f], pred[in_f], gt_fg[in_f], beta2)
    out = _batch_scores(values, curves, in_f, batch)
    means = out['means'].mean(0)
    return dict(
        J=float(means[0]),
        F=float(out['fmax'].mean()),
        FPR=float(means[1]),
        num_frames=n)


def pooled_fbeta(stats: Dict[str, Tensor], beta2: float = BETA2) -> float:
    """F-beta at the 0.5 threshold from counts pooled over all frames.

    ``(1 + b2) * TP / ((1 + b2) * TP + b2 * FN + FP)`` with ``TP``, ``FP``
    and ``FN`` summed over the frames at ``sigmoid > 0.5``: the foreground
    F of CAVP's ``ForegroundDetect`` (a confusion matrix accumulated over
    the dataset, no threshold sweep).

    Args:
        stats (dict[str, Tensor]): Concatenated outputs of
            :func:`binary_frame_stats`.
        beta2 (float): beta squared.

    Returns:
        float: The F value (0 when there is no predicted or ground-truth
        foreground pixel).
    """
    tp = int(stats['inter'].sum())
    fp = int(stats['pred_fg'].sum()) - tp
    fn = int(stats['gt_fg'].sum()) - tp
    den = (1 + beta2) * tp + beta2 * fn + fp
    return (1 + beta2) * tp / den if den > 0 else 0.0
