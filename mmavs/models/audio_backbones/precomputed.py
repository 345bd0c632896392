# Copyright (c) mmavs contributors. All rights reserved.
from typing import Optional

from mmengine.model import BaseModule
from torch import Tensor, nn

from mmavs.registry import MODELS


@MODELS.register_module()
class PrecomputedAudio(BaseModule):
    """Pass precomputed per-frame audio embeddings through.

    For datasets that ship embeddings (e.g. VGGish features [T, 128]):
    the input [N, D] is returned as is, or through a trainable
    ``Linear(D -> out_channels)`` when ``out_channels`` is given.

    Args:
        in_channels (int): Embedding size D (checked).
        out_channels (int, optional): Projection size; None keeps D.
        frozen (bool): Mark the module frozen (no grad, eval mode). Defaults
            to True without a projection, False with one.
        init_cfg (dict, optional): Initialization config.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: Optional[int] = None,
                 frozen: Optional[bool] = None,
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.in_channels = in_channels
        self.proj = nn.Linear(in_channels, out_channels) \
            if out_channels is not None else None
        self.out_channels = out_channels or in_channels
        self.frozen = (self.proj is None) if frozen is None else frozen
        if self.frozen:
            self.requires_grad_(False)

    def forward(self, x: Tensor) -> Tensor:
        """[N, D] -> [N, out_channels]."""
        if x.dim() != 2 or x.shape[1] != self.in_channels:
            raise ValueError(f'PrecomputedAudio expects embeddings [N, '
                             f'{self.in_channels}], got {tuple(x.shape)}')
        return x if self.proj is None else self.proj(x)
