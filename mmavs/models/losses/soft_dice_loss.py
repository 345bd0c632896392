# Copyright (c) mmavs contributors. All rights reserved.
from torch import Tensor

from mmavs.registry import MODELS
from .soft_region_loss import SoftRegionLoss


@MODELS.register_module()
class SoftDiceLoss(SoftRegionLoss):
    """Soft Dice loss, ``1 - (2 I + s) / (P + T + s + 2 eps)``, ignoring
    pixels; ``P`` sums the probabilities to the power ``exponent``.

    ``smooth=0, exponent=2, eps=1e-3`` is the Dice of the official
    AVSegFormer losses (``1 - 2 sum(p g) / ((sum(p^2) + 1e-3) + (sum(g^2) +
    1e-3))`` per frame, averaged over the supervised frames).

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
        exponent (int): Power of the probabilities in ``P`` (targets are 0/1,
            so ``T`` is the same for any power). Defaults to 1.
        eps (float): Added to each of ``P`` and ``T``. Defaults to 0.
    """

    def __init__(self,
                 smooth: float = 1.0,
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_dice',
                 exponent: int = 1,
                 eps: float = 0.) -> None:
        super().__init__(smooth, loss_weight, loss_name, exponent)
        self.eps = eps

    def score(self, inter: Tensor, pred_sum: Tensor,
              target_sum: Tensor) -> Tensor:
        """Soft Dice ``(2 I + s) / (P + T + s + 2 eps)``."""
        return (2 * inter + self.smooth) / (
            pred_sum + target_sum + self.smooth + 2 * self.eps)
