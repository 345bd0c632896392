# Copyright (c) mmavs contributors. All rights reserved.
"""Classifier-guided audio-visual similarity loss of robust AVS."""
import math
from typing import Dict, Optional, Sequence

import torch
import torch.nn.functional as F
from mmseg.utils import SampleList
from torch import Tensor, nn

from mmavs.registry import MODELS
from .base_av_loss import BaseAVLoss

SIMILARITIES = ('cosine', 'euclidean', 'concat')


@MODELS.register_module()
class AVSimilarityLoss(BaseAVLoss):
    """Classifier-guided similarity learning ("Do AVS models truly segment
    sounding objects?", Eq. 6-8).

    Per frame, the visual feature map ``extras[visual_key][visual_index]``
    [N, C, H, W] (default: the last backbone stage) is average-pooled to
    ``v`` [N, C]; the audio embedding [N, D] (the segmentor's audio
    backbone output, or ``extras[audio_key]``) is projected by a linear
    layer to ``a`` [N, C]. The similarity ``s`` is

    - ``'cosine'`` (paper and official code): ``cos(a, v)``;
    - ``'euclidean'`` (appendix A.3): ``-||a - v||_2``;
    - ``'concat'`` (appendix A.3): an MLP on ``[a; v]``
      (``2C -> concat_hidden... -> 1``, ReLU, dropout ``concat_dropout``).

    The loss is ``loss_weight * BCE(sigmoid(scale * s), y)`` averaged over
    the valid frames, with ``y = 0`` for frames whose metainfo has
    ``negative_pair=True`` and 1 otherwise (a sample without the key is a
    positive pair). As in the official code (``CosineModule`` and
    ``F.binary_cross_entropy(torch.sigmoid(similarity), label)``) no scale
    or temperature is applied: ``scale = 1``, so ``sigmoid(s)`` of a cosine
    lies in [0.27, 0.73]. ``learnable_scale=True`` (an option, not the
    paper) learns ``scale = exp(log_scale)`` from ``init_scale``.

    Every frame of a clip gets the pair label (the official loader expands
    the clip label to its 5 frames); ``labelled`` does not matter, padding
    frames (``valid=False``) are skipped.

    Args:
        visual_channels (int): ``C`` of the pooled visual feature.
        audio_channels (int): ``D`` of the audio embedding.
        similarity (str): ``'cosine'``, ``'euclidean'`` or ``'concat'``.
        visual_key (str): Key of ``extras`` with the visual features (a
            list of maps or one map). Defaults to ``'backbone_feats'``.
        visual_index (int): Index in that list. Defaults to -1 (last).
        audio_key (str, optional): Take the audio from ``extras[audio_key]``
            instead of the audio backbone output.
        loss_weight (float): lambda. Defaults to 1.0.
        learnable_scale (bool): Learn a logit scale. Defaults to False.
        init_scale (float): Initial scale. Defaults to 1.0.
        concat_hidden (Sequence[int]): Hidden widths of the ``'concat'``
            MLP. Defaults to (256, 128) (the appendix: 512 -> 256 -> 128 ->
            1).
        concat_dropout (float): Dropout of the MLP. Defaults to 0.1.
        loss_name (str): Defaults to ``'loss_av_sim'``.
    """

    def __init__(self,
                 visual_channels: int,
                 audio_channels: int,
                 similarity: str = 'cosine',
                 visual_key: str = 'backbone_feats',
                 visual_index: int = -1,
                 audio_key: Optional[str] = None,
                 loss_weight: float = 1.0,
                 learnable_scale: bool = False,
                 init_scale: float = 1.0,
                 concat_hidden: Sequence[int] = (256, 128),
                 concat_dropout: float = 0.1,
                 loss_name: str = 'loss_av_sim') -> None:
        super().__init__()
        if similarity not in SIMILARITIES:
            raise ValueError(f'AVSimilarityLoss: similarity must be one of '
                             f'{SIMILARITIES}, got {similarity!r}')
        if init_scale <= 0:
            raise ValueError('AVSimilarityLoss: init_scale must be > 0, got '
                             f'{init_scale}')
        self.visual_channels = int(visual_channels)
        self.audio_channels = int(audio_channels)
        self.similarity = similarity
        self.visual_key = visual_key
        self.visual_index = visual_index
        self.audio_key = audio_key
        self.loss_weight = float(loss_weight)
        self.loss_name = loss_name
        self.audio_proj = nn.Linear(self.audio_channels, self.visual_channels)
        if learnable_scale:
            self.log_scale = nn.Parameter(
                torch.tensor(math.log(float(init_scale))))
        else:
            self.register_buffer(
                'log_scale',
                torch.tensor(math.log(float(init_scale))),
                persistent=False)
        self.classifier = None
        if similarity == 'concat':
            widths = [2 * self.visual_channels] + list(concat_hidden)
            layers = []
            for c_in, c_out in zip(widths[:-1], widths[1:]):
                layers += [
                    nn.Linear(c_in, c_out),
                    nn.ReLU(inplace=True),
                    nn.Dropout(concat_dropout)
                ]
            layers.append(nn.Linear(widths[-1], 1))
            self.classifier = nn.Sequential(*layers)

    def _visual(self, extras: dict) -> Tensor:
        self.require(extras, (self.visual_key, ), 'AVSimilarityLoss',
                     'the segmentor or the neck')
        feats = extras[self.visual_key]
        if isinstance(feats, (list, tuple)):
            try:
                feats = feats[self.visual_index]
            except IndexError as err:
                raise IndexError(
                    f'AVSimilarityLoss: visual_index {self.visual_index} is '
                    f'out of range for {len(feats)} maps in extras['
                    f'{self.visual_key!r}]') from err
        if feats.dim() != 4 or feats.shape[1] != self.visual_channels:
            raise ValueError(
                f'AVSimilarityLoss: extras[{self.visual_key!r}]'
                f'[{self.visual_index}] has shape {tuple(feats.shape)}; '
                f'expected [N, {self.visual_channels}, H, W] '
                '(visual_channels)')
        return feats.mean(dim=(2, 3))

    def pair_similarity(self, visual: Tensor, audio: Tensor) -> Tensor:
        """Similarity ``s`` [N] of pooled visual [N, C] and raw audio [N, D].

        Args:
            visual (Tensor): Pooled visual features [N, C].
            audio (Tensor): Audio embeddings [N, D].

        Returns:
            Tensor: [N] similarities (before the scale).
        """
        a = self.audio_proj(audio.to(visual.dtype))
        if self.similarity == 'cosine':
            return F.cosine_similarity(a, visual, dim=1)
        if self.similarity == 'euclidean':
            return -torch.linalg.vector_norm(a - visual, dim=1)
        return self.classifier(torch.cat([a, visual], dim=1)).squeeze(1)

    def similarities(self, extras: dict, audio_feat: Tensor) -> Tensor:
        """The similarity ``s`` of every frame's audio-visual pair.

        Args:
            extras (dict): Segmentor extras (``backbone_feats``, ...).
            audio_feat (Tensor): Audio embeddings [N, D] (N = B*T).

        Returns:
            Tensor: [N] similarities (before the scale).
        """
        visual = self._visual(extras)
        audio = audio_feat
        if self.audio_key is not None:
            self.require(extras, (self.audio_key, ), 'AVSimilarityLoss',
                         'the neck')
            audio = extras[self.audio_key]
        if audio.dim() != 2 or audio.shape[1] != self.audio_channels:
            raise ValueError(f'AVSimilarityLoss: audio features have shape '
                             f'{tuple(audio.shape)}; expected [N, '
                             f'{self.audio_channels}] (audio_channels)')
        if audio.shape[0] != visual.shape[0]:
            raise ValueError(
                f'AVSimilarityLoss: {visual.shape[0]} visual features and '
                f'{audio.shape[0]} audio features; expected one of each per '
                'frame')
        return self.pair_similarity(visual, audio)

    def forward(self, extras: dict, audio_feat: Tensor,
                data_samples: SampleList) -> Dict[str, Tensor]:
        """Compute the similarity BCE.

        Args:
            extras (dict): Segmentor extras (``backbone_feats``, ...).
            audio_feat (Tensor): Audio embeddings [N, D] (N = B*T).
            data_samples (list[SegDataSample]): The N frame samples.

        Returns:
            dict[str, Tensor]: ``{loss_name: loss}``.
        """
        sim = self.similarities(extras, audio_feat)
        num = sim.shape[0]
        if len(data_samples) != num:
            raise ValueError(
                f'AVSimilarityLoss: {num} visual features, '
                f'{num} audio features and {len(data_samples)} '
                'data samples; expected one of each per frame')
        labels = torch.tensor([
            0. if s.metainfo.get('negative_pair', False) else 1.
            for s in data_samples
        ],
                              device=sim.device,
                              dtype=sim.dtype)
        valid = self.valid_frames(data_samples, sim.device)
        if not valid.any():
            raise ValueError('AVSimilarityLoss: no valid frame in the batch')
        logits = sim * self.log_scale.exp()
        bce = F.binary_cross_entropy_with_logits(
            logits[valid], labels[valid], reduction='mean')
        return {self.loss_name: self.loss_weight * bce}
