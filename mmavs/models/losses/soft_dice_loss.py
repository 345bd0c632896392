# Copyright (c) mmavs contributors. All rights reserved.
from typing import Optional

from torch import Tensor, nn

from mmavs.registry import MODELS
from .iou_loss import soft_region_stats


@MODELS.register_module()
class SoftDiceLoss(nn.Module):
    """Soft Dice loss, ``1 - (2 I + s) / (P + T + s)``, ignoring pixels.

    mmseg 1.2.2's ``DiceLoss`` does not fit AVS training: with one sigmoid
    channel its one-hot target for that channel is the *background*
    (``one_hot(clamp(label, 0, 1), 2)[..., :1]``), and pixels labelled
    ``ignore_index`` (unlabelled S4 frames, padding frames) still count in
    the prediction sum. Here one-channel logits are the foreground
    probability (sigmoid), C > 1 channels use a softmax; ignored pixels are
    excluded; Dice per image and class, averaged over classes and over the
    images with at least one non-ignored pixel (0 if none).

    Args:
        smooth (float): Smoothing ``s``. Defaults to 1.
        loss_weight (float): Weight. Defaults to 1.0.
        loss_name (str): Defaults to ``'loss_dice'``.
    """

    def __init__(self,
                 smooth: float = 1.0,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_dice') -> None:
        super().__init__()
        self.smooth = smooth
        self.loss_weight = loss_weight
        self._loss_name = loss_name

    @property
    def loss_name(self) -> str:
        """Name of the loss term."""
        return self._loss_name

    def forward(self,
                pred: Tensor,
                target: Tensor,
                weight: Optional[Tensor] = None,
                ignore_index: int = 255,
                **kwargs) -> Tensor:
        """Compute the loss (``weight`` must be None)."""
        if weight is not None:
            raise ValueError('SoftDiceLoss does not support pixel weights')
        inter, psum, tsum, has = soft_region_stats(pred, target, ignore_index)
        dice = (2 * inter + self.smooth) / (psum + tsum + self.smooth)
        per_image = 1 - dice.mean(1)
        value = (per_image * has).sum() / has.sum().clamp_min(1)
        return self.loss_weight * value
