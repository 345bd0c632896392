# Copyright (c) mmavs contributors. All rights reserved.
from typing import Dict, List, Optional, Sequence, Tuple

from torch import Tensor, nn

from mmavs.registry import MODELS
from ..utils import DilatedSumASPP, TPAVIBlock
from .base_av_neck import BaseAVNeck


@MODELS.register_module()
class TPAVINeck(BaseAVNeck):
    """Per-stage ASPP and TPAVI audio-visual attention (AVSBench baseline).

    Every backbone stage ``i`` goes through a :class:`DilatedSumASPP` to
    ``channels`` maps; the stages listed in ``tpavi_stages`` then go through
    a :class:`TPAVIBlock` computed jointly over the T frames of each clip
    (features [B*T, C, H, W] are viewed as [B, C, T, H, W]).

    With ``tpavi_va=True`` (the official setting) the block attends from
    visual positions to the clip's audio; ``tpavi_vv=True`` adds the visual
    self-attention variant; with both the two results are averaged, as in
    the official ``Pred_endecoder``.

    The neck returns ``(feats, extras)`` (the :class:`BaseAVNeck`
    contract); ``extras`` carries what the audio-visual matching loss
    (:class:`AVMKLLoss`) needs:

    - ``tpavi_visual_feats``: list (one per stage) of the stage features
      after TPAVI [B*T, C, H, W] (None for stages without TPAVI);
    - ``tpavi_audio_feats``: list of the block's projected audio
      ``align_channel(a)`` [B*T, C] (None for stages without audio TPAVI).

    Args:
        in_channels (Sequence[int]): Channels of the backbone stages.
        channels (int): ASPP output width. AVSBench uses 256.
        audio_channels (int): Audio embedding size. Defaults to 128.
        dilations (Sequence[int]): ASPP dilations. Defaults to
            (3, 6, 12, 18).
        tpavi_stages (Sequence[int]): Stages (0-based) with a TPAVI block.
            Defaults to (0, 1, 2, 3).
        tpavi_va (bool): Audio-visual attention. Defaults to True.
        tpavi_vv (bool): Visual self-attention. Defaults to False.
        clip_len (int, optional): Frames attended jointly. None (default)
            uses the whole clip (T frames). The official AVSS code reshapes
            its 10-frame clips into groups of 5 (``clip_len=5``).
        in_index (Sequence[int], optional): Backbone outputs to use (all by
            default); ``in_channels`` lists the selected ones.
        align_bias (bool): Bias of the TPAVI audio projection
            (``TPAVIBlock.align_channel``): True in the official S4/MS3
            code, False in its AVSS code. Defaults to True.
        init_cfg (dict, optional): Initialization config.
    """

    def __init__(self,
                 in_channels: Sequence[int],
                 channels: int = 256,
                 audio_channels: int = 128,
                 dilations: Sequence[int] = (3, 6, 12, 18),
                 tpavi_stages: Sequence[int] = (0, 1, 2, 3),
                 tpavi_va: bool = True,
                 tpavi_vv: bool = False,
                 clip_len: Optional[int] = None,
                 in_index: Optional[Sequence[int]] = None,
                 align_bias: bool = True,
                 init_cfg=None) -> None:
        super().__init__(in_channels, in_index, init_cfg=init_cfg)
        self.channels = channels
        self.tpavi_stages = sorted(set(tpavi_stages))
        bad = [
            s for s in self.tpavi_stages if not 0 <= s < len(self.in_channels)
        ]
        if bad:
            raise ValueError(f'TPAVINeck: tpavi_stages {bad} out of range '
                             f'for {len(self.in_channels)} stages')
        if self.tpavi_stages and not (tpavi_va or tpavi_vv):
            raise ValueError('TPAVINeck: tpavi_va and tpavi_vv cannot both '
                             'be False when tpavi_stages is not empty')
        self.tpavi_va = tpavi_va
        self.tpavi_vv = tpavi_vv
        self.clip_len = clip_len
        self.aspp = nn.ModuleList(
            [DilatedSumASPP(c, channels, dilations) for c in self.in_channels])
        self.tpavi = nn.ModuleDict({
            str(s): TPAVIBlock(
                channels, audio_channels, align_bias=align_bias)
            for s in self.tpavi_stages
        })

    def _group_len(self, num_frames: int) -> int:
        group = self.clip_len or num_frames
        if num_frames % group:
            raise ValueError(f'TPAVINeck: clip_len={group} does not divide '
                             f'num_frames={num_frames}')
        return group

    @staticmethod
    def _to_clip(x: Tensor, group: int) -> Tensor:
        n, c, h, w = x.shape
        return x.reshape(n // group, group, c, h, w).permute(0, 2, 1, 3, 4)

    @staticmethod
    def _to_frames(x: Tensor) -> Tensor:
        b, c, t, h, w = x.shape
        return x.permute(0, 2, 1, 3, 4).reshape(b * t, c, h, w)

    def forward(
        self,
        feats: List[Tensor],
        audio: Tensor,
        num_frames: int,
        gt_masks: Optional[Tensor] = None
    ) -> Tuple[List[Tensor], Dict[str, list]]:
        """Fuse every stage with the audio of its clip.

        Args:
            feats (list[Tensor]): Backbone features [B*T, C_i, H_i, W_i].
            audio (Tensor): Audio embeddings [B*T, D].
            num_frames (int): Frames per clip T.
            gt_masks (Tensor, optional): Unused.

        Returns:
            tuple[list[Tensor], dict]: ``channels``-wide features of every
            stage and ``extras`` (see the class docstring).
        """
        feats = self.select_inputs(feats)
        if audio.dim() != 2 or audio.shape[0] != feats[0].shape[0]:
            raise ValueError(f'TPAVINeck expects audio [B*T, D] with '
                             f'B*T={feats[0].shape[0]}, got '
                             f'{tuple(audio.shape)}')
        group = self._group_len(num_frames)
        outs = [aspp(f) for aspp, f in zip(self.aspp, feats)]
        visual_feats: List[Optional[Tensor]] = [None] * len(outs)
        audio_feats: List[Optional[Tensor]] = [None] * len(outs)
        clip_audio = audio.reshape(-1, group, audio.shape[-1])
        for stage in self.tpavi_stages:
            block = self.tpavi[str(stage)]
            x = self._to_clip(outs[stage], group)
            fused = []
            if self.tpavi_vv:
                fused.append(block(x)[0])
            if self.tpavi_va:
                z, a = block(x, clip_audio)
                fused.append(z)
                audio_feats[stage] = a.reshape(-1, a.shape[-1])
            z = fused[0] if len(fused) == 1 else (fused[0] + fused[1]) / 2
            outs[stage] = self._to_frames(z)
            visual_feats[stage] = outs[stage]
        extras = dict(
            tpavi_visual_feats=visual_feats, tpavi_audio_feats=audio_feats)
        return outs, extras
