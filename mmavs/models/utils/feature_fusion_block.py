# Copyright (c) mmavs contributors. All rights reserved.
from typing import Optional, Sequence

import torch.nn.functional as F
from torch import Tensor, nn


class ResidualConvUnit(nn.Module):
    """``x + conv(relu(conv(relu(x))))`` with two 3x3 convolutions.

    Args:
        channels (int): Feature channels.
    """

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=True)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=True)
        self.relu = nn.ReLU()

    def forward(self, x: Tensor) -> Tensor:
        """Residual refinement of ``x`` (same shape)."""
        out = self.conv1(self.relu(x))
        out = self.conv2(self.relu(out))
        return out + x


class FeatureFusionBlock(nn.Module):
    """Fuse a decoder feature with a skip feature and upsample it.

    ``out = up(rcu2(x + rcu1(skip)))`` (``rcu2(x)`` without a skip), where
    ``up`` is a bilinear resize with ``align_corners=True`` to ``out_size``
    or, by default, by a factor of 2 (the official AVSBench / DPT block).

    Args:
        channels (int): Feature channels.
    """

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.res_conv_unit1 = ResidualConvUnit(channels)
        self.res_conv_unit2 = ResidualConvUnit(channels)

    def forward(self,
                x: Tensor,
                skip: Optional[Tensor] = None,
                out_size: Optional[Sequence[int]] = None) -> Tensor:
        """Fuse and upsample.

        Args:
            x (Tensor): Decoder feature [N, C, H, W].
            skip (Tensor, optional): Skip feature of the same shape.
            out_size (Sequence[int], optional): Output size; 2x by default.

        Returns:
            Tensor: [N, C, H', W'].
        """
        if skip is not None:
            if skip.shape != x.shape:
                raise ValueError(
                    f'FeatureFusionBlock: skip feature {tuple(skip.shape)} '
                    f'does not match the decoder feature {tuple(x.shape)}')
            x = x + self.res_conv_unit1(skip)
        x = self.res_conv_unit2(x)
        if out_size is None:
            return F.interpolate(
                x, scale_factor=2, mode='bilinear', align_corners=True)
        return F.interpolate(
            x, size=tuple(out_size), mode='bilinear', align_corners=True)
