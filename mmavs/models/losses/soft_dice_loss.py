# Copyright (c) mmavs contributors. All rights reserved.
from torch import Tensor

from mmavs.registry import MODELS
from .soft_region_loss import SoftRegionLoss


@MODELS.register_module()
class SoftDiceLoss(SoftRegionLoss):
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
        super().__init__(smooth, loss_weight, loss_name)

    def score(self, inter: Tensor, pred_sum: Tensor,
              target_sum: Tensor) -> Tensor:
        """Soft Dice ``(2 I + s) / (P + T + s)``."""
        return (2 * inter + self.smooth) / (pred_sum + target_sum +
                                            self.smooth)
