# Copyright (c) mmavs contributors. All rights reserved.
from typing import Dict, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmcv.ops import MultiScaleDeformableAttention
from torch import Tensor, nn

from mmavs.registry import MODELS
from ..utils import (AudioQueryGenerator, CrossModalMixer, DeformableEncoder,
                     SinePositionalEncoding)
from .base_av_neck import BaseAVNeck


@MODELS.register_module()
class AVSegFormerNeck(BaseAVNeck):
    """The audio-visual part of AVSegFormer (Gao et al., AAAI 2024): audio
    projection, query generator, deformable encoder, mask features and the
    audio-visual mixer.

    Follows the official ``AVSegFormer`` / ``AVSegHead`` (vvvb-github/
    AVSegFormer) up to the transformer decoder, which is the decode head
    (:class:`AVSegFormerHead`):

    1. ``audio_proj``: Linear(``audio_channels`` -> ``embed_dims``) of the
       audio backbone's per-frame embedding (VGGish, 128);
    2. ``query_generator`` (:class:`AudioQueryGenerator`): audio-conditioned
       queries [N, Q, C] plus the learnable queries;
    3. ``in_proj``: per backbone stage a 1x1 conv (with bias) + GroupNorm
       to ``embed_dims``;
    4. ``encoder`` (:class:`DeformableEncoder`): the strides 8/16/32
       (``encoder_levels``, stages 1-3) flattened and encoded jointly with
       the sine positional encoding (:class:`SinePositionalEncoding`) plus
       a learnt per-level embedding (``level_embed``);
    5. mask features at stride 4: ``out_conv(lateral_conv(in_proj_0(x_0)) +
       up(enc_0))``, where ``up`` is a bilinear resize
       (``align_corners=False``) of the stride-8 encoder output,
       ``lateral_conv`` a 1x1 conv + GN and ``out_conv`` a 3x3 conv + GN +
       ReLU;
    6. ``mixer`` (:class:`CrossModalMixer`): the mask features weighted per
       channel by the audio (``mixer=None`` leaves it out).

    The decode head needs the queries, the encoder memory and the mask
    features, so the neck returns them as a dict (the "features" the
    segmentor passes to the head):

    - ``feats['queries']``: [N, Q, C] audio-conditioned queries;
    - ``feats['memory']``: [N, sum_l H_l W_l, C] encoder output (levels in
      ``encoder_levels`` order, each flattened row-major);
    - ``feats['mask_feats']``: [N, C, H/4, W/4] mixed mask features.

    and ``extras`` (for the audio-visual losses) with

    - ``mask_feats``: the mixed mask features (:class:`MixLoss`);
    - ``audio_embed``: the projected audio [N, C] (the robust similarity
      loss of AVSBench-Robust uses it: ``AVSimilarityLoss(audio_key=
      'audio_embed')``).

    Initialisation follows the official ``_reset_parameters``: Xavier
    uniform for every weight with more than one dimension (except the
    audio projection), mmcv's deformable-attention initialisation, and
    a standard normal ``level_embed``; the conv biases start at 0 (mmcv's
    ``ConvModule``; PyTorch's default in the official code).

    Args:
        in_channels (Sequence[int]): Channels of the 4 backbone stages
            (strides 4, 8, 16, 32).
        embed_dims (int): Width C. Defaults to 256.
        audio_channels (int): Audio embedding size. Defaults to 128.
        num_queries (int): Queries Q. Defaults to 300.
        query_generator (dict): :class:`AudioQueryGenerator` arguments
            (``num_layers``, ``num_heads``, ``feedforward_channels``,
            ``use_learnable_queries``).
        encoder (dict): :class:`DeformableEncoder` arguments (``num_layers``,
            ``num_heads``, ``num_points``, ``feedforward_channels``,
            ``dropout``).
        mixer (dict, optional): :class:`CrossModalMixer` arguments
            (``num_heads``, ``residual``...). None: no mixer.
        num_feats (int): Sine encoding channels per axis. Defaults to
            ``embed_dims // 2``.
        num_groups (int): GroupNorm groups. Defaults to 32.
        encoder_levels (Sequence[int]): Stages encoded. Defaults to
            (1, 2, 3).
        in_index (Sequence[int], optional): Backbone outputs to use (all by
            default); ``in_channels`` lists the selected ones.
        init_cfg (dict, optional): Initialization config.
    """

    def __init__(self,
                 in_channels: Sequence[int],
                 embed_dims: int = 256,
                 audio_channels: int = 128,
                 num_queries: int = 300,
                 query_generator: Optional[dict] = None,
                 encoder: Optional[dict] = None,
                 mixer: Optional[dict] = dict(),
                 num_feats: Optional[int] = None,
                 num_groups: int = 32,
                 encoder_levels: Sequence[int] = (1, 2, 3),
                 in_index: Optional[Sequence[int]] = None,
                 init_cfg=None) -> None:
        super().__init__(
            in_channels=in_channels, in_index=in_index, init_cfg=init_cfg)
        self.encoder_levels = list(encoder_levels)
        if not self.encoder_levels or min(self.encoder_levels) < 1 or max(
                self.encoder_levels) >= len(self.in_channels):
            raise ValueError(
                f'AVSegFormerNeck: encoder_levels {self.encoder_levels} must '
                f'be stages 1..{len(self.in_channels) - 1} (stage 0 gives '
                'the stride-4 map of the mask features)')
        self.embed_dims = embed_dims
        self.audio_proj = nn.Linear(audio_channels, embed_dims)
        self.query_generator = AudioQueryGenerator(
            num_queries=num_queries,
            embed_dims=embed_dims,
            **(query_generator or {}))
        gn = dict(type='GN', num_groups=num_groups)
        self.in_proj = nn.ModuleList([
            ConvModule(c, embed_dims, 1, bias=True, norm_cfg=gn, act_cfg=None)
            for c in self.in_channels
        ])
        self.positional_encoding = SinePositionalEncoding(
            num_feats or embed_dims // 2)
        self.level_embed = nn.Parameter(
            torch.zeros(len(self.encoder_levels), embed_dims))
        self.encoder = DeformableEncoder(
            embed_dims=embed_dims,
            num_levels=len(self.encoder_levels),
            **(encoder or {}))
        self.lateral_conv = ConvModule(
            embed_dims, embed_dims, 1, bias=True, norm_cfg=gn, act_cfg=None)
        self.out_conv = ConvModule(
            embed_dims, embed_dims, 3, padding=1, bias=True, norm_cfg=gn)
        self.mixer = CrossModalMixer(
            embed_dims=embed_dims, **
            mixer) if mixer is not None else None

    def init_weights(self) -> None:
        """Official initialisation (see the class docstring), unless an
        ``init_cfg`` is given."""
        if self.init_cfg is not None:
            super().init_weights()
            return
        for name, param in self.named_parameters():
            if param.dim() > 1 and not name.startswith('audio_proj.'):
                nn.init.xavier_uniform_(param)
        for module in self.encoder.modules():
            if isinstance(module, MultiScaleDeformableAttention):
                module.init_weights()
        nn.init.normal_(self.level_embed)
        self._is_init = True

    def forward(
        self,
        feats: Sequence[Tensor],
        audio_feat: Tensor,
        num_frames: int,
        gt_masks: Optional[Tensor] = None
    ) -> Tuple[Dict[str, Tensor], Dict[str, Tensor]]:
        """Fuse the visual features with the audio of each frame.

        Args:
            feats (list[Tensor]): Backbone features [N, C_i, H_i, W_i]
                (N = B*T frames).
            audio_feat (Tensor): Audio embeddings [N, audio_channels].
            num_frames (int): Frames per clip T (unused: AVSegFormer works
                per frame).
            gt_masks (Tensor, optional): Unused.

        Returns:
            tuple[dict, dict]: The head's inputs (``queries``, ``memory``,
            ``mask_feats``) and ``extras`` (``mask_feats``,
            ``audio_embed``); see the class docstring.
        """
        feats = self.select_inputs(feats)
        if audio_feat.dim() != 2 or audio_feat.shape[0] != feats[0].shape[0]:
            raise ValueError('AVSegFormerNeck expects audio [N, D] with '
                             f'N={feats[0].shape[0]} frames, got '
                             f'{tuple(audio_feat.shape)}')
        audio_embed = self.audio_proj(audio_feat)
        queries = self.query_generator(audio_embed)
        srcs = [self.in_proj[i](feats[i]) for i in self.encoder_levels]
        pos = []
        for level, src in enumerate(srcs):
            mask = src.new_zeros((src.shape[0], ) + src.shape[2:],
                                 dtype=torch.bool)
            pos.append(
                self.positional_encoding(mask).to(src.dtype) +
                self.level_embed[level][None, :, None, None])
        encoded = self.encoder(srcs, pos)
        lateral = self.lateral_conv(self.in_proj[0](feats[0]))
        mask_feats = lateral + F.interpolate(
            encoded[0],
            size=lateral.shape[2:],
            mode='bilinear',
            align_corners=False)
        mask_feats = self.out_conv(mask_feats)
        if self.mixer is not None:
            mask_feats = self.mixer(mask_feats, audio_embed)
        memory = torch.cat([x.flatten(2).transpose(1, 2) for x in encoded],
                           1)
        head_inputs = dict(
            queries=queries, memory=memory, mask_feats=mask_feats)
        extras = dict(mask_feats=mask_feats, audio_embed=audio_embed)
        return head_inputs, extras
