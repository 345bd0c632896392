# Copyright (c) mmavs contributors. All rights reserved.
from typing import Optional, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor, nn


def _pointwise(conv: nn.Conv3d, x: Tensor) -> Tensor:
    """A 1x1x1 Conv3d applied to [B, C, ...] as a conv1d, [B, C', prod]."""
    weight = conv.weight.reshape(conv.out_channels, conv.in_channels, 1)
    return F.conv1d(x.flatten(2), weight, conv.bias)


class TPAVIBlock(nn.Module):
    """Temporal pixel-wise audio-visual interaction (TPAVI) block.

    The non-local block of AVSBench (Zhou et al., ECCV 2022) in its
    dot-product form. For visual features ``x`` [B, C, T, H, W] and the
    clip's audio ``a`` [B, T, D]:

    1. ``a' = Linear(D -> C)(a)`` tiled over H x W;
    2. ``theta(x)``, ``phi(a')``, ``g(x)``: 1x1x1 Conv3d to ``C / 2``;
    3. ``y = (theta^T phi / N) g`` with N = T*H*W (attention over every
       position of the clip, no softmax);
    4. ``z = LayerNorm(W_z(y) + x)`` where ``W_z`` is a Conv3d + BN whose BN
       weight and bias start at zero (the block starts as the identity
       before the LayerNorm).

    Because the dot-product attention has no softmax, ``(theta^T phi) g``
    is computed as ``theta^T (phi g)`` and ``phi`` of the tiled audio is
    computed once per frame: the result equals the official
    ``[THW, THW]`` attention map up to float rounding, with
    ``O(T*H*W*C^2)`` cost instead of ``O((T*H*W)^2*C)``.

    Parameter names follow the official ``TPAVIModule`` (``align_channel``,
    ``norm_layer``, ``g``, ``theta``, ``phi``, ``W_z``) so its checkpoints
    load unchanged.

    Args:
        in_channels (int): Visual channels C.
        audio_channels (int): Audio embedding size D. Defaults to 128.
        inter_channels (int, optional): Channels inside the block.
            Defaults to ``in_channels // 2``.
        align_bias (bool): Bias of the audio projection ``align_channel``.
            True in the official S4/MS3 code, False in its AVSS code.
            Defaults to True.
    """

    def __init__(self,
                 in_channels: int,
                 audio_channels: int = 128,
                 inter_channels: Optional[int] = None,
                 align_bias: bool = True) -> None:
        super().__init__()
        self.in_channels = in_channels
        self.inter_channels = inter_channels or max(in_channels // 2, 1)
        self.align_channel = nn.Linear(
            audio_channels, in_channels, bias=align_bias)
        self.norm_layer = nn.LayerNorm(in_channels)
        self.g = nn.Conv3d(in_channels, self.inter_channels, 1)
        self.theta = nn.Conv3d(in_channels, self.inter_channels, 1)
        self.phi = nn.Conv3d(in_channels, self.inter_channels, 1)
        self.W_z = nn.Sequential(
            nn.Conv3d(self.inter_channels, in_channels, 1),
            nn.BatchNorm3d(in_channels))
        nn.init.constant_(self.W_z[1].weight, 0)
        nn.init.constant_(self.W_z[1].bias, 0)

    def forward(
            self,
            x: Tensor,
            audio: Optional[Tensor] = None) -> Tuple[Tensor, Optional[Tensor]]:
        """Fuse a clip's visual features with its audio.

        Args:
            x (Tensor): Visual features [B, C, T, H, W].
            audio (Tensor, optional): Audio embeddings [B, T, D]. When None
                the block is a visual self-attention (``phi`` of ``x``).

        Returns:
            tuple[Tensor, Tensor | None]: Fused features [B, C, T, H, W] and
            the projected audio ``a'`` [B, T, C] (None without audio).
        """
        if x.dim() != 5 or x.shape[1] != self.in_channels:
            raise ValueError(f'TPAVIBlock expects visual features [B, '
                             f'{self.in_channels}, T, H, W], got '
                             f'{tuple(x.shape)}')
        b, _, t, h, w = x.shape
        num_pos = t * h * w
        theta = _pointwise(self.theta, x)  # [B, C', N]
        g = _pointwise(self.g, x)  # [B, C', N]
        if audio is not None:
            if audio.shape[:2] != (b, t):
                raise ValueError(f'TPAVIBlock expects audio [{b}, {t}, D], '
                                 f'got {tuple(audio.shape)}')
            audio_proj = self.align_channel(audio)  # [B, T, C]
            # phi is pointwise: phi of the tiled audio is phi of each frame
            phi = _pointwise(self.phi, audio_proj.permute(0, 2, 1))
            # [B, C', T]: sum of g over H x W
            g_sum = g.reshape(b, -1, t, h * w).sum(-1)
            phi_g = torch.einsum('bct,bdt->bcd', phi, g_sum)
        else:
            audio_proj = None
            phi = _pointwise(self.phi, x)  # [B, C', N]
            phi_g = torch.einsum('bcn,bdn->bcd', phi, g)
        y = torch.einsum('bcn,bcd->bdn', theta, phi_g) / num_pos
        y = _pointwise(self.W_z[0], y).reshape(b, -1, t, h, w)
        z = self.W_z[1](y) + x
        z = self.norm_layer(z.permute(0, 2, 3, 4, 1)).permute(0, 4, 1, 2, 3)
        return z, audio_proj
