# Copyright (c) mmavs contributors. All rights reserved.
from typing import Dict, List, Optional, Sequence, Tuple

from torch import Tensor, nn

from mmavs.registry import MODELS
from .base_av_neck import BaseAVNeck


@MODELS.register_module()
class AudioFiLMNeck(BaseAVNeck):
    """Audio-conditioned feature modulation (FiLM) of every visual stage.

    For stage ``i`` with features ``f`` [N, C_i, H, W] and the frame's audio
    embedding ``a`` [N, D]: ``f' = relu(f * (1 + gamma_i(a)) + beta_i(a))``,
    where ``gamma_i`` and ``beta_i`` are linear maps D -> C_i. A simple,
    frame-wise fusion for tiny configs and tests (Perez et al., FiLM, 2018).
    It returns ``(feats, {})``: no extras (the :class:`BaseAVNeck`
    contract).

    Args:
        in_channels (Sequence[int]): Channels of each visual stage.
        audio_channels (int): Audio embedding size D.
        init_cfg (dict, optional): Initialization config.
    """

    def __init__(self,
                 in_channels: Sequence[int],
                 audio_channels: int,
                 init_cfg=None) -> None:
        super().__init__(in_channels, init_cfg=init_cfg)
        self.film = nn.ModuleList(
            [nn.Linear(audio_channels, 2 * c) for c in self.in_channels])
        self.act = nn.ReLU()

    def forward(self,
                feats: List[Tensor],
                audio: Tensor,
                num_frames: int,
                gt_masks: Optional[Tensor] = None
                ) -> Tuple[List[Tensor], Dict[str, Tensor]]:
        """Modulate every stage by the audio of its frame.

        Args:
            feats (list[Tensor]): Visual features [B*T, C_i, H_i, W_i].
            audio (Tensor): Audio embeddings [B*T, D].
            num_frames (int): T (unused: the fusion is frame-wise).
            gt_masks (Tensor, optional): Unused.

        Returns:
            tuple[list[Tensor], dict]: Fused features (same shapes as
            ``feats``) and empty extras.
        """
        feats = self.select_inputs(feats)
        outs = []
        for feat, film in zip(feats, self.film):
            gamma, beta = film(audio)[:, :, None, None].chunk(2, dim=1)
            outs.append(self.act(feat * (1 + gamma) + beta))
        return outs, {}
