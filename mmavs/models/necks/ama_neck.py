# Copyright (c) mmavs contributors. All rights reserved.
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch.nn.functional as F
from torch import Tensor, nn

from mmavs.registry import MODELS
from ..utils.sgsm_block import SGSMBlock
from .base_av_neck import BaseAVNeck


@MODELS.register_module()
class AMANeck(BaseAVNeck):
    """Audio-guided modality alignment (AMA) of RAVS.

    An :class:`SGSMBlock` (DPC-KNN grouping, sound-guided semantic merging,
    group decoder, re-projection) runs on each stage listed in
    ``ama_stages`` (by default the 1/4, 1/8 and 1/16 maps of a four-stage
    backbone, with 14, 7 and 5 groups); the other stages pass through
    unchanged, so the decoder still sees every stage.

    Placement: in the paper AMA sits *between* encoder blocks (the
    re-projected map is the input of the next encoder block).
    :class:`AVInterleavedEncoderDecoder` (the default of the RAVS configs)
    does that: it runs the backbone stage by stage and calls
    :meth:`align_stage` after each AMA stage. Under the plain
    :class:`AVEncoderDecoder` (the ``ravs-posthoc_*`` ablation configs)
    :meth:`forward` aligns the finished backbone maps instead, each stage
    independently. Both give the decoder the aligned maps and the same
    extras.

    Each frame is aligned with its own audio embedding (``audio_feat`` is
    [B*T, D]; [B*T, L, D] audio tokens are accepted too); ``num_frames`` is
    not needed.

    The neck returns ``(feats, extras)`` (the :class:`BaseAVNeck`
    contract); ``extras`` (for
    :class:`InfoNCEGroupLoss`) holds, one entry per AMA stage in order:

    - ``ama_group_feats``: refined group features [B*T, P, C];
    - ``ama_audio_feats``: the stage's projected audio [B*T, C];
    - ``ama_visual_feats``: the stage's aligned map [B*T, C, H, W];
    - ``ama_group_index``: token -> group index [B*T, H*W];
    - ``ama_relevance``: relevance scores [B*T, H*W].

    With ``use_sgsm=False`` (ablation baseline) each AMA stage is a plain
    audio-visual cross-attention fusion and only ``ama_audio_feats`` and
    ``ama_visual_feats`` are returned.

    With ``gt_filter=True`` (the "+GTF" ablation row: "utilizes ground truth
    masks to filter silent regions during modality alignment", as in the
    Stepping Stones method the paper cites) the neck uses the training
    frames' sounding masks that :class:`AVEncoderDecoder` passes to every
    neck in training (``gt_masks`` [B*T, 1, H, W], 1 on sounding pixels
    and on pixels without ground truth, 0 on silent ones): each token's
    cross-attention update is weighted by the fraction of its area that
    sounds (adaptive average pooling of the mask to the stage's size). Ground truth exists only in training: at inference the
    audio is fused into every token (no filter), which is the train/test gap
    the paper attributes to GT filtering.

    Args:
        in_channels (Sequence[int]): Channels of the selected backbone
            outputs.
        audio_channels (int): Audio embedding size (VGGish 128, HTSAT 768).
        ama_stages (Sequence[int]): Positions (in the selected outputs) that
            get AMA. Defaults to (0, 1, 2).
        num_groups (Sequence[int]): Groups per AMA stage. Defaults to
            (14, 7, 5).
        num_heads (int | Sequence[int]): Attention heads per AMA stage.
            Defaults to (1, 2, 5) (MiT-B5's heads, 64 channels per head).
        num_layers (int): Group decoder layers per stage. Defaults to 2.
        ffn_ratio (float): Group decoder FFN ratio. Defaults to 4.
        k (int): DPC-KNN neighbours. Defaults to 5.
        chunk_size (int, optional): DPC-KNN distance block rows (None:
            automatic, blocks under 2**25 elements).
        use_sgsm (bool): Grouping and semantic merging. Defaults to True.
        group_mask (bool): See :class:`SGSMBlock`. Defaults to False.
        dpc_assign (str): DPC-KNN assignment, ``'nearest_center'``
            (TCFormer, default) or ``'density_parent'`` (the paper's Eq. 4).
        dpc_density (str): DPC-KNN local density, ``'mean_exp'``
            (TCFormer's ``exp(-mean d^2)``, default) or ``'sum_exp'`` (the
            paper's Eq. 3, a sum of exponentials over the k nearest
            neighbours).
        gt_filter (bool): GT-mask filtering of the fusion in training.
            Defaults to False.
        in_index (Sequence[int], optional): Backbone outputs to use (all by
            default).
        init_cfg (dict, optional): Initialization config.
    """

    def __init__(self,
                 in_channels: Sequence[int],
                 audio_channels: int = 128,
                 ama_stages: Sequence[int] = (0, 1, 2),
                 num_groups: Sequence[int] = (14, 7, 5),
                 num_heads: Union[int, Sequence[int]] = (1, 2, 5),
                 num_layers: int = 2,
                 ffn_ratio: float = 4.0,
                 k: int = 5,
                 chunk_size: Optional[int] = None,
                 use_sgsm: bool = True,
                 group_mask: bool = False,
                 dpc_assign: str = 'nearest_center',
                 dpc_density: str = 'mean_exp',
                 gt_filter: bool = False,
                 in_index: Optional[Sequence[int]] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(in_channels, in_index, init_cfg=init_cfg)
        self.ama_stages = list(ama_stages)
        if any(not 0 <= s < len(self.in_channels) for s in self.ama_stages):
            raise ValueError(f'AMANeck: ama_stages={self.ama_stages} must '
                             f'index in_channels={self.in_channels}')
        if len(num_groups) != len(self.ama_stages):
            raise ValueError(f'AMANeck: num_groups={list(num_groups)} needs '
                             f'one value per AMA stage {self.ama_stages}')
        if isinstance(num_heads, int):
            num_heads = [num_heads] * len(self.ama_stages)
        if len(num_heads) != len(self.ama_stages):
            raise ValueError(f'AMANeck: num_heads={list(num_heads)} needs '
                             f'one value per AMA stage {self.ama_stages}')
        self.num_groups = list(num_groups)
        self.use_sgsm = use_sgsm
        self.gt_filter = gt_filter
        self.blocks = nn.ModuleList([
            SGSMBlock(
                self.in_channels[s],
                audio_channels,
                num_groups=g,
                num_heads=h,
                num_layers=num_layers,
                ffn_ratio=ffn_ratio,
                k=k,
                chunk_size=chunk_size,
                use_grouping=use_sgsm,
                group_mask=group_mask,
                assign=dpc_assign,
                density=dpc_density)
            for s, g, h in zip(self.ama_stages, self.num_groups, num_heads)
        ])

    def forward(
        self,
        feats: Sequence[Tensor],
        audio_feat: Tensor,
        num_frames: Optional[int] = None,
        gt_masks: Optional[Tensor] = None
    ) -> Tuple[List[Tensor], Dict[str, List[Tensor]]]:
        """Align the AMA stages with the audio.

        Args:
            feats (Sequence[Tensor]): Backbone outputs [B*T, C_i, H_i, W_i].
            audio_feat (Tensor): [B*T, D] (or [B*T, L, D]) audio features.
            num_frames (int, optional): T (unused: alignment is per frame).
            gt_masks (Tensor, optional): [B*T, 1, H, W] sounding masks in
                [0, 1] (training with ``gt_filter=True``); ignored
                otherwise.

        Returns:
            tuple: the selected stages (AMA stages aligned) and ``extras``.
        """
        feats = self.select_inputs(feats)
        for i, (f, c) in enumerate(zip(feats, self.in_channels)):
            if f.shape[1] != c:
                raise ValueError(f'AMANeck: stage {i} has {f.shape[1]} '
                                 f'channels, expected {c}')
        outs = []
        for pos in range(len(self.ama_stages)):
            stage = self.ama_stages[pos]
            feats[stage], out = self.align_stage(pos, feats[stage], audio_feat,
                                                 gt_masks)
            outs.append(out)
        return feats, self.collect_extras(outs)

    @property
    def backbone_indices(self) -> List[int]:
        """Backbone output index of each AMA stage (``in_index`` applied):
        where :class:`AVInterleavedEncoderDecoder` runs the blocks."""
        index = self.in_index or list(range(len(self.in_channels)))
        return [index[s] for s in self.ama_stages]

    def align_stage(
            self,
            pos: int,
            feat: Tensor,
            audio_feat: Tensor,
            gt_masks: Optional[Tensor] = None
    ) -> Tuple[Tensor, Dict[str, Tensor]]:
        """Run the AMA block of one stage.

        Used by :meth:`forward` (post-hoc placement, on the finished
        backbone maps) and by :class:`AVInterleavedEncoderDecoder`
        (interleaved placement: the returned map is the input of the next
        encoder stage).

        Args:
            pos (int): Position of the stage in ``ama_stages``.
            feat (Tensor): The stage's map [B*T, C, H, W].
            audio_feat (Tensor): [B*T, D] (or [B*T, L, D]) audio features.
            gt_masks (Tensor, optional): See :meth:`forward`.

        Returns:
            tuple: The aligned map and the stage's entries of the extras
            (``audio``, ``visual`` and, with SGSM, ``group_feats``,
            ``group_index``, ``relevance``); :meth:`collect_extras` turns a
            list of them into the ``ama_*`` extras.
        """
        block = self.blocks[pos]
        stage = self.ama_stages[pos]
        expected = self.in_channels[stage]
        if feat.dim() != 4 or feat.shape[1] != expected:
            raise ValueError(f'AMANeck: AMA stage {stage} expects a map '
                             f'[B*T, {expected}, H, W], got '
                             f'{tuple(feat.shape)}')
        h, w = feat.shape[2:]
        if self.use_sgsm and block.num_groups > h * w:
            raise ValueError(
                f'AMANeck: stage {stage} has {h}x{w} tokens, fewer '
                f'than num_groups={block.num_groups}')
        region = None
        if self.gt_filter and gt_masks is not None:
            if gt_masks.dim() != 4 or gt_masks.shape[:2] != (feat.shape[0], 1):
                raise ValueError(
                    'AMANeck: gt_masks must be [B*T, 1, H, W] with '
                    f'B*T={feat.shape[0]}, got {tuple(gt_masks.shape)}')
            region = F.adaptive_avg_pool2d(gt_masks.float(), (h, w))
        aligned, out = block(feat, audio_feat, region)
        out['visual'] = aligned
        return aligned, out

    def collect_extras(
            self, outs: Sequence[Dict[str,
                                      Tensor]]) -> Dict[str, List[Tensor]]:
        """The ``ama_*`` extras (one entry per AMA stage, in order) from
        the outputs of :meth:`align_stage`."""
        keys = dict(audio='ama_audio_feats', visual='ama_visual_feats')
        if self.use_sgsm:
            keys.update(
                group_feats='ama_group_feats',
                group_index='ama_group_index',
                relevance='ama_relevance')
        return {name: [out[key] for out in outs] for key, name in keys.items()}
