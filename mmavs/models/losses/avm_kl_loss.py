# Copyright (c) mmavs contributors. All rights reserved.
from typing import Dict, List, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmseg.utils import SampleList
from torch import Tensor

from mmavs.registry import MODELS
from .base_av_loss import BaseAVLoss


@MODELS.register_module()
class AVMKLLoss(BaseAVLoss):
    """Audio-visual matching loss (LAVM) of AVSBench.

    For every stage ``s`` in ``stages``, with the TPAVI output ``v``
    [N, C, H, W] and the block's projected audio ``a`` [N, C] (both from
    the neck's ``extras``, see :class:`TPAVINeck`):

    1. a soft object mask ``m`` [N, 1, H, W] is made from the predicted
       logits (``mask_source='pred'``, the official code): for one-channel
       (binary) logits ``m = sigmoid(pool(logits))``, where ``pool`` is an
       adaptive average (or max) pooling to H x W; for multi-class logits
       ``m = pool(argmax(logits) != 0)`` (foreground of the prediction, no
       gradient through the argmax). ``mask_source='gt'`` pools the
       binarised ground truth instead (the paper's wording; option);
    2. ``f = mean_hw(v * m)`` (``threshold=True``: ``m > 0.5`` and the sum
       over the mask divided by its area);
    3. optionally L2-normalise ``a`` and ``f`` (``norm_feat``; the official
       MS3/AVSS scripts do not pass ``--norm_fea_flag``, so False);
    4. ``KL(softmax(a) || softmax(f))`` summed over channels per frame.

    Frames are combined with ``reduction='sum'`` (official MS3:
    ``F.kl_div(..., reduction='sum')``) or ``'mean'`` over the valid frames
    (official AVSS), then averaged over the stages and multiplied by
    ``loss_weight`` (lambda_1 = 0.5 in both official scripts). Padding
    frames (``valid=False``) never count.

    The predicted logits are the decode head's training logits that the
    segmentor passes as ``extras['seg_logits']`` (:class:`BaseAVLoss`).

    Rectified maps (``rectify_visual=True``, the default), as in the
    official code: the official decoder's in-place ReLUs (its residual units
    start with ``nn.ReLU(inplace=True)``, see
    :mod:`mmavs.models.utils.feature_fusion_block`) overwrite the four TPAVI
    output maps while the decoder runs, so the LAVM that the official model
    computes afterwards reads ``relu(v)``, and its gradient flows through
    that ReLU. :class:`TPAVINeck` hands this loss the maps as they leave the
    neck; the loss rectifies them. ``rectify_visual=False`` reads them
    unrectified (the paper's formula; the RAVS "+GTF" alignment on
    :class:`AMANeck`'s maps, which no decoder rectifies).

    ``visual_key`` / ``audio_key`` name the per-stage lists in ``extras``;
    with ``'ama_visual_feats'`` / ``'ama_audio_feats'`` and
    ``mask_source='gt'`` the loss aligns the audio with the ground-truth
    sounding regions of :class:`AMANeck`'s stages (the RAVS "+GTF"
    alignment variant).

    Args:
        stages (Sequence[int]): Stages used. Defaults to (0, 1, 2, 3).
        loss_weight (float): Weight. Defaults to 0.5.
        mask_source (str): ``'pred'`` (official) or ``'gt'``.
        pooling (str): ``'avg'`` (official) or ``'max'``.
        threshold (bool): Binarise the pooled mask. Defaults to False.
        norm_feat (bool): L2-normalise the features. Defaults to False.
        reduction (str): ``'sum'`` (official MS3) or ``'mean'`` (official
            AVSS) over frames.
        background_index (int): Background class for multi-class logits.
            Defaults to 0.
        ignore_index (int): Ignored ground-truth value. Defaults to 255.
        loss_name (str): Name of the term. Defaults to ``'loss_avm'``.
        visual_key (str): Extras key of the per-stage visual maps.
            Defaults to ``'tpavi_visual_feats'``.
        rectify_visual (bool): Read ``relu(v)`` as the official code does
            (see above). Defaults to True.
        audio_key (str): Extras key of the per-stage projected audio.
            Defaults to ``'tpavi_audio_feats'``.
    """

    def __init__(self,
                 stages: Sequence[int] = (0, 1, 2, 3),
                 loss_weight: float = 0.5,
                 mask_source: str = 'pred',
                 pooling: str = 'avg',
                 threshold: bool = False,
                 norm_feat: bool = False,
                 reduction: str = 'sum',
                 background_index: int = 0,
                 ignore_index: int = 255,
                 loss_name: str = 'loss_avm',
                 visual_key: str = 'tpavi_visual_feats',
                 audio_key: str = 'tpavi_audio_feats',
                 rectify_visual: bool = True) -> None:
        super().__init__()
        for key, value, allowed in (('mask_source', mask_source,
                                     ('pred', 'gt')), ('pooling', pooling,
                                                       ('avg', 'max')),
                                    ('reduction', reduction, ('sum', 'mean'))):
            if value not in allowed:
                raise ValueError(f'AVMKLLoss: {key}={value!r}, expected one '
                                 f'of {allowed}')
        if not stages:
            raise ValueError('AVMKLLoss: stages must not be empty')
        self.stages = list(stages)
        self.loss_weight = loss_weight
        self.mask_source = mask_source
        self.pooling = pooling
        self.threshold = threshold
        self.norm_feat = norm_feat
        self.reduction = reduction
        self.background_index = background_index
        self.ignore_index = ignore_index
        self.loss_name = loss_name
        self.visual_key = visual_key
        self.audio_key = audio_key
        self.rectify_visual = rectify_visual

    def _full_masks(self, extras: Dict,
                    data_samples: SampleList) -> Tuple[Tensor, bool]:
        """Full-resolution mask [N, 1, H, W] and whether it holds logits.

        Binary predictions are returned as logits (the sigmoid is applied
        after pooling, as in the official code); multi-class predictions
        and the ground truth as {0, 1} foreground masks.
        """
        if self.mask_source == 'gt':
            gt = torch.stack([s.gt_sem_seg.data for s in data_samples])
            fg = (gt != self.background_index) & (gt != self.ignore_index)
            return fg.float(), False
        self.require(extras, ('seg_logits', ), 'AVMKLLoss(mask_source='
                     '"pred")', 'the segmentor (the decode head\'s training '
                     'logits)')
        logits = extras['seg_logits']
        if logits.shape[1] == 1:
            return logits, True
        pred = logits.argmax(dim=1, keepdim=True)
        return (pred != self.background_index).to(logits.dtype), False

    def _pool(self, mask: Tensor, size) -> Tensor:
        if self.pooling == 'avg':
            return F.adaptive_avg_pool2d(mask, size)
        return F.adaptive_max_pool2d(mask, size)

    def forward(self, extras: Dict[str, List], audio_feat: Tensor,
                data_samples: SampleList) -> Dict[str, Tensor]:
        """Compute the matching loss.

        Args:
            extras (dict): ``visual_key`` and ``audio_key`` from the neck
                and, for ``mask_source='pred'``, ``seg_logits``.
            audio_feat (Tensor): Audio backbone output (unused: the loss
                uses the per-stage projected audio of the TPAVI blocks).
            data_samples (list[SegDataSample]): Frame samples.

        Returns:
            dict[str, Tensor]: ``{loss_name: loss}``.
        """
        self.require(extras, (self.visual_key, self.audio_key), 'AVMKLLoss',
                     'the neck (TPAVINeck, AMANeck)')
        valid = self.valid_frames(data_samples).float()
        if valid.sum() == 0:
            raise ValueError('AVMKLLoss: no valid frame in the batch')
        full, is_logit = self._full_masks(extras, data_samples)
        total = 0.
        for stage in self.stages:
            if stage >= len(extras[self.visual_key]):
                raise ValueError(f'AVMKLLoss: stage {stage} out of range for '
                                 f'{len(extras[self.visual_key])} entries of '
                                 f'extras[{self.visual_key!r}]')
            v_map = extras[self.visual_key][stage]
            a_fea = extras[self.audio_key][stage]
            if v_map is None or a_fea is None:
                raise ValueError(f'AVMKLLoss: stage {stage} has no audio '
                                 f'TPAVI block (check tpavi_stages of the '
                                 f'neck and stages of the loss)')
            if self.rectify_visual:
                v_map = F.relu(v_map)
            mask = self._pool(full.to(v_map.dtype), v_map.shape[-2:])
            if is_logit:
                mask = torch.sigmoid(mask)
            if self.threshold:
                mask = (mask > 0.5).to(v_map.dtype)
                area = mask.sum(dim=(-2, -1))
                feat = (v_map * mask).sum(dim=(-2, -1)) / (area + 1e-6)
            else:
                feat = (v_map * mask).mean(dim=(-2, -1))
            if self.norm_feat:
                a_fea = F.normalize(a_fea, dim=-1)
                feat = F.normalize(feat, dim=-1)
            # the official F.kl_div(log_softmax(f), softmax(a)), computed
            # with a log target: same value, but no NaN gradient where
            # softmax(a) underflows to 0 (large audio features)
            kl = F.kl_div(
                F.log_softmax(feat, dim=-1),
                F.log_softmax(a_fea, dim=-1),
                reduction='none',
                log_target=True).sum(-1)  # [N]
            w = valid.to(kl.device)
            kl = (kl * w).sum()
            if self.reduction == 'mean':
                kl = kl / w.sum()
            total = total + kl
        loss = self.loss_weight * total / len(self.stages)
        return {self.loss_name: loss}
