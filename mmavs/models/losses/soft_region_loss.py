# Copyright (c) mmavs contributors. All rights reserved.
from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def soft_region_stats(
        pred: Tensor,
        target: Tensor,
        ignore_index: int = 255,
        exponent: int = 1) -> Tuple[Tensor, Tensor, Tensor, Tensor]:
    """Soft overlap statistics per image and class, ignoring pixels.

    One-channel logits are binary (sigmoid = foreground probability, target
    1 = foreground); C > 1 channels use a softmax and one-hot targets. Pixels
    labelled ``ignore_index`` count in no sum.

    Args:
        pred (Tensor): [N, C, H, W] logits.
        target (Tensor): [N, H, W] labels.
        ignore_index (int): Ignored label. Defaults to 255.
        exponent (int): ``pred_sum`` sums the probabilities to this power
            (2: the V-Net Dice). Defaults to 1.

    Returns:
        tuple[Tensor, Tensor, Tensor, Tensor]: ``intersection``,
        ``pred_sum`` and ``target_sum`` [N, C'] (C' = 1 for binary, else C)
        and ``has_pixels`` [N] (image has a non-ignored pixel).
    """
    if pred.dim() != 4 or target.shape != (pred.shape[0], ) + tuple(
            pred.shape[2:]):
        raise ValueError('soft region losses expect logits [N, C, H, W] and '
                         f'labels [N, H, W], got {tuple(pred.shape)} and '
                         f'{tuple(target.shape)}')
    valid = (target != ignore_index)
    labels = target.masked_fill(~valid, 0).long()
    num = pred.shape[1]
    if num == 1:
        prob = pred.sigmoid()
        if bool((labels > 1).any()):
            raise ValueError('binary (one-channel) soft region loss needs '
                             'labels 0/1 (or ignore_index), got '
                             f'{torch.unique(target).tolist()}')
        onehot = labels[:, None].to(prob.dtype)
    else:
        prob = pred.softmax(1)
        if bool((labels >= num).any()):
            raise ValueError(f'soft region loss: labels must be < {num}, '
                             f'got {torch.unique(target).tolist()}')
        onehot = F.one_hot(labels, num).permute(0, 3, 1, 2).to(prob.dtype)
    m = valid[:, None].to(prob.dtype)
    prob = prob * m
    onehot = onehot * m
    inter = (prob * onehot).flatten(2).sum(-1)
    psum = (prob if exponent == 1 else prob**exponent).flatten(2).sum(-1)
    tsum = onehot.flatten(2).sum(-1)
    return inter, psum, tsum, valid.flatten(1).any(1)


class SoftRegionLoss(nn.Module):
    """Base of the soft region losses (:class:`IoULoss`,
    :class:`SoftDiceLoss`): ``1 - score`` per image and class from
    :func:`soft_region_stats`, averaged over classes and over the images
    that have at least one non-ignored pixel (0 if none).

    Subclasses implement :meth:`score`.

    Args:
        smooth (float): Smoothing ``s``. Defaults to 1.
        loss_weight (float): Weight. Defaults to 1.0.
        loss_name (str): Name of the loss term.
        exponent (int): Power of the probabilities in the prediction sum
            (see :func:`soft_region_stats`). Defaults to 1.
    """

    def __init__(self,
                 smooth: float = 1.0,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_region',
                 exponent: int = 1) -> None:
        super().__init__()
        self.smooth = smooth
        self.exponent = exponent
        self.loss_weight = loss_weight
        self._loss_name = loss_name

    @property
    def loss_name(self) -> str:
        """Name of the loss term."""
        return self._loss_name

    def score(self, inter: Tensor, pred_sum: Tensor,
              target_sum: Tensor) -> Tensor:
        """Overlap score [N, C'] from the soft statistics."""
        raise NotImplementedError

    def forward(self,
                pred: Tensor,
                target: Tensor,
                weight: Optional[Tensor] = None,
                ignore_index: int = 255,
                **kwargs) -> Tensor:
        """Compute the loss (``weight`` must be None)."""
        if weight is not None:
            raise ValueError(
                f'{type(self).__name__} does not support pixel weights')
        inter, psum, tsum, has = soft_region_stats(pred, target, ignore_index,
                                                self.exponent)
        per_image = 1 - self.score(inter, psum, tsum).mean(1)
        value = (per_image * has).sum() / has.sum().clamp_min(1)
        return self.loss_weight * value
