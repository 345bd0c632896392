# Copyright (c) mmavs contributors. All rights reserved.
from typing import Dict, Optional

import torch
import torch.nn.functional as F
from mmseg.utils import SampleList
from torch import Tensor

from mmavs.registry import MODELS
from .base_av_loss import BaseAVLoss


@MODELS.register_module()
class MixLoss(BaseAVLoss):
    """The mix loss of AVSegFormer (supervises the audio-visual mixer).

    The mixed mask features ``extras[feat_key]`` [N, C, h, w] (from
    :class:`AVSegFormerNeck`) are averaged over channels to one logit map,
    resized bilinearly (``align_corners=False``) to the ground truth size
    and scored by ``loss_mask`` against the binary foreground target: 1
    where the label is neither ``background_index`` nor ``ignore_index``
    (the official AVSS loss uses ``gt > 0``; S4/MS3 labels are already
    0/1), ``ignore_index`` where the ground truth is ignored (unlabelled and
    padding frames, which the segmentor sets to ``ignore_index``).

    The official loss uses the same function as the main loss, the Dice
    ``1 - 2 sum(p g) / (sum(p^2) + sum(g^2) + 2e-3)`` (``loss_type='dice'``,
    S4/MS3/AVSS), weighted by ``lambda_1 = 0.1``; the binary cross-entropy
    of its ``loss_type='bce'`` is ``loss_mask=dict(type='CrossEntropyLoss',
    use_sigmoid=True, avg_non_ignore=True)``.

    Args:
        loss_weight (float): ``lambda_1``. Defaults to 0.1.
        loss_mask (dict): The mask loss, called as ``loss(logits [N, 1, H,
            W], labels [N, H, W], ignore_index=...)``. Defaults to the
            official Dice (``SoftDiceLoss(smooth=0, exponent=2,
            eps=1e-3)``).
        feat_key (str): Key of ``extras``. Defaults to ``'mask_feats'``.
        background_index (int): Background label. Defaults to 0.
        ignore_index (int): Ignored label. Defaults to 255.
        loss_name (str): Defaults to ``'loss_mix'``.
    """

    def __init__(self,
                 loss_weight: float = 0.1,
                 loss_mask: Optional[dict] = None,
                 feat_key: str = 'mask_feats',
                 background_index: int = 0,
                 ignore_index: int = 255,
                 loss_name: str = 'loss_mix') -> None:
        super().__init__()
        self.loss_weight = loss_weight
        self.loss_mask = MODELS.build(loss_mask or dict(
            type='SoftDiceLoss', smooth=0., exponent=2, eps=1e-3))
        self.feat_key = feat_key
        self.background_index = background_index
        self.ignore_index = ignore_index
        self.loss_name = loss_name

    def target(self, data_samples: SampleList) -> Tensor:
        """Binary foreground labels [N, H, W] (``ignore_index`` kept)."""
        gt = torch.stack([s.gt_sem_seg.data for s in data_samples])[:, 0]
        ignored = gt == self.ignore_index
        fg = (gt != self.background_index).to(gt.dtype)
        return torch.where(ignored, gt, fg).long()

    def forward(self, extras: Dict[str, Tensor], audio_feat: Tensor,
                data_samples: SampleList) -> Dict[str, Tensor]:
        """Compute the weighted mix loss.

        Args:
            extras (dict): Neck extras with ``feat_key``.
            audio_feat (Tensor): Audio backbone output (unused).
            data_samples (list[SegDataSample]): The N frame samples.

        Returns:
            dict[str, Tensor]: ``{loss_name: loss}``.
        """
        self.require(extras, (self.feat_key, ), 'MixLoss',
                     'AVSegFormerNeck (the mixed mask features)')
        feats = extras[self.feat_key]
        if feats.dim() != 4 or feats.shape[0] != len(data_samples):
            raise ValueError(f'MixLoss: extras[{self.feat_key!r}] has shape '
                             f'{tuple(feats.shape)}; expected [N, C, h, w] '
                             f'with N={len(data_samples)} frames')
        labels = self.target(data_samples).to(feats.device)
        logits = F.interpolate(
            feats.mean(1, keepdim=True),
            size=labels.shape[-2:],
            mode='bilinear',
            align_corners=False)
        loss = self.loss_mask(logits, labels, ignore_index=self.ignore_index)
        return {self.loss_name: self.loss_weight * loss}
