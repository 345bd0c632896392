# Copyright (c) mmavs contributors. All rights reserved.
from typing import Dict, Optional, Tuple

import torch
import torch.nn.functional as F
from mmseg.utils import SampleList
from torch import Tensor

from mmavs.registry import MODELS
from .base_av_loss import BaseAVLoss


def group_audio_alignment(group_feats: Tensor, audio_feats: Tensor,
                          sharpness: float = 10.0) -> Tuple[Tensor, Tensor]:
    """Alignment of each group with its frame's audio (RAVS Eq. 8).

    Args:
        group_feats (Tensor): [B, P, C] group features.
        audio_feats (Tensor): [B, C] audio features.
        sharpness (float): sigma_a. Defaults to 10.

    Returns:
        tuple[Tensor, Tensor]: the cosine similarities ``A = f_a G^T``
        [B, P] of the L2-normalised features and the alignment scores
        ``I = sigmoid(sharpness * A)`` [B, P].
    """
    if group_feats.dim() != 3 or audio_feats.dim() != 2 or \
            group_feats.shape[0] != audio_feats.shape[0] or \
            group_feats.shape[2] != audio_feats.shape[1]:
        raise ValueError('group-audio alignment expects groups [B, P, C] and '
                         f'audio [B, C], got {tuple(group_feats.shape)} and '
                         f'{tuple(audio_feats.shape)}')
    g = F.normalize(group_feats, dim=-1)
    a = F.normalize(audio_feats, dim=-1)
    sim = torch.einsum('bc,bpc->bp', a, g)
    return sim, torch.sigmoid(sim * sharpness)


def infonce_group_loss(group_feats: Tensor,
                       audio_feats: Tensor,
                       temperature: float = 0.1,
                       sharpness: float = 10.0,
                       threshold: float = 0.5) -> Tuple[Tensor, Tensor]:
    """Per-frame audio-guided InfoNCE over group features (RAVS, Eq. 8-9).

    With L2-normalised groups ``G`` [B, P, C] and audio ``f_a`` [B, C]:
    ``A = f_a G^T`` [B, P], ``I = sigmoid(sharpness * A)``; positives are
    the groups with ``I > threshold``, negatives the others, and
    ``loss = -log(sum_pos exp(A/t) / (sum_pos exp(A/t) + sum_neg exp(A/t)))``.
    The split into positives and negatives carries no gradient.

    A frame with no positive has an undefined loss (-log 0) and a frame with
    no negative a zero loss; both are reported as not ``defined`` (the
    caller averages over defined frames only).

    Args:
        group_feats (Tensor): [B, P, C] group features.
        audio_feats (Tensor): [B, C] audio features.
        temperature (float): tau. Defaults to 0.1.
        sharpness (float): sigma_a. Defaults to 10.
        threshold (float): epsilon_a. Defaults to 0.5.

    Returns:
        tuple[Tensor, Tensor]: per-frame losses [B] (0 where undefined) and
        the bool mask [B] of frames with at least one positive and one
        negative.
    """
    sim, score = group_audio_alignment(group_feats, audio_feats, sharpness)
    with torch.no_grad():
        pos = score > threshold
        defined = pos.any(1) & (~pos).any(1)
    logits = sim / temperature
    log_all = torch.logsumexp(logits, dim=1)
    log_pos = torch.logsumexp(logits.masked_fill(~pos, float('-inf')), dim=1)
    loss = torch.where(defined, log_all - log_pos, torch.zeros_like(log_all))
    return loss, defined


@MODELS.register_module()
class InfoNCEGroupLoss(BaseAVLoss):
    """Contrastive audio-visual alignment (CST) loss of RAVS.

    Reads the group features and projected audio of one AMA stage from the
    neck's extras (``ama_group_feats[stage]``, ``ama_audio_feats[stage]``,
    see :class:`AMANeck`) and applies :func:`infonce_group_loss` per frame.
    The loss is averaged over the frames that are valid (not padding) and
    have at least one positive and one negative group; when no frame
    qualifies the loss is 0 (kept in the graph). Choice: a frame without
    positives has no defined InfoNCE value and one without negatives has
    zero loss; both carry no contrastive signal, so neither counts in the
    average. The fraction of frames used is logged as ``csl_valid_frac``
    (no gradient).

    Note: the groups and audio are L2-normalised, so ``A`` is a cosine in
    [-1, 1] and, with the paper's threshold 0.5, ``sigmoid(sharpness * A) >
    0.5`` iff ``A > 0`` for any positive sharpness.

    Args:
        stage (int): AMA stage used (index into the extras lists). Defaults
            to -1 (the last, 1/16 stage: "the final block").
        temperature (float): tau. Defaults to 0.1.
        sharpness (float): sigma_a (not given by the paper). Defaults to 10.
        threshold (float): epsilon_a. Defaults to 0.5.
        loss_weight (float): lambda_csl. Defaults to 0.1.
        loss_name (str): Defaults to ``'loss_csl'``.
    """

    def __init__(self,
                 stage: int = -1,
                 temperature: float = 0.1,
                 sharpness: float = 10.0,
                 threshold: float = 0.5,
                 loss_weight: float = 0.1,
                 loss_name: str = 'loss_csl') -> None:
        super().__init__()
        if temperature <= 0:
            raise ValueError(f'InfoNCEGroupLoss: temperature must be > 0, '
                             f'got {temperature}')
        self.stage = stage
        self.temperature = temperature
        self.sharpness = sharpness
        self.threshold = threshold
        self.loss_weight = loss_weight
        self.loss_name = loss_name

    def forward(
            self,
            extras: Dict,
            audio_feat: Optional[Tensor] = None,
            data_samples: Optional[SampleList] = None) -> Dict[str, Tensor]:
        """Compute the loss.

        Args:
            extras (dict): Neck extras with ``ama_group_feats`` and
                ``ama_audio_feats``.
            audio_feat (Tensor, optional): Backbone audio (unused).
            data_samples (list[SegDataSample], optional): Frame samples;
                frames with ``valid=False`` are skipped.

        Returns:
            dict[str, Tensor]: ``{loss_name: loss, 'csl_valid_frac': f}``.
        """
        self.require(extras, ('ama_group_feats', 'ama_audio_feats'),
                     'InfoNCEGroupLoss', 'the neck (AMANeck with '
                     'use_sgsm=True)')
        groups = extras['ama_group_feats'][self.stage]
        audio = extras['ama_audio_feats'][self.stage]
        loss, defined = infonce_group_loss(groups, audio, self.temperature,
                                           self.sharpness, self.threshold)
        if data_samples is not None:
            if len(data_samples) != loss.shape[0]:
                raise ValueError(f'InfoNCEGroupLoss: {len(data_samples)} '
                                 f'data samples for {loss.shape[0]} frames')
            defined = defined & self.valid_frames(data_samples, loss.device)
        count = defined.sum()
        total = (loss * defined).sum()
        value = total / count.clamp_min(1)
        return {
            self.loss_name: self.loss_weight * value,
            'csl_valid_frac': (count.float() / loss.shape[0]).detach()
        }
