# Copyright (c) mmavs contributors. All rights reserved.
from torch import Tensor

from mmavs.registry import MODELS
from .soft_region_loss import SoftRegionLoss


@MODELS.register_module()
class IoULoss(SoftRegionLoss):
    """Soft IoU (Jaccard) loss, ``1 - (I + s) / (P + T - I + s)``.

    mmseg has no soft IoU loss that handles a one-channel sigmoid output and
    ignored pixels (its ``TverskyLoss`` with alpha = beta = 1 is a Jaccard
    loss but softmax-only and counts ignored pixels), so this one does:
    one-channel logits are the foreground probability (sigmoid), C > 1
    channels use a softmax; pixels labelled ``ignore_index`` are excluded,
    the IoU is taken per image and class, averaged over classes and over the
    images that have at least one non-ignored pixel (0 if none).

    Args:
        smooth (float): Smoothing ``s``. Defaults to 1.
        loss_weight (float): Weight. Defaults to 1.0.
        loss_name (str): Defaults to ``'loss_iou'``.
    """

    def __init__(self,
                 smooth: float = 1.0,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_iou') -> None:
        super().__init__(smooth, loss_weight, loss_name)

    def score(self, inter: Tensor, pred_sum: Tensor,
              target_sum: Tensor) -> Tensor:
        """Soft IoU ``(I + s) / (P + T - I + s)``."""
        return (inter + self.smooth) / (
            pred_sum + target_sum - inter + self.smooth)
