# Copyright (c) mmavs contributors. All rights reserved.
from typing import Sequence

from torch import Tensor, nn


class DilatedSumASPP(nn.Module):
    """DeepLab-v2 style ASPP: the sum of parallel dilated 3x3 convolutions.

    The ``Classifier_Module`` of AVSBench that maps every backbone stage to
    a common width: ``out = sum_i conv_i(x)`` where ``conv_i`` is a 3x3
    convolution (with bias) of dilation and padding ``dilations[i]``.
    Weights are drawn from N(0, 0.01) as in the official code; biases keep
    PyTorch's default initialisation.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels. AVSBench uses 256.
        dilations (Sequence[int]): Dilations of the branches.
            Defaults to (3, 6, 12, 18).
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        dilations: Sequence[int] = (3, 6, 12, 18)) -> None:
        super().__init__()
        self.conv2d_list = nn.ModuleList([
            nn.Conv2d(
                in_channels,
                out_channels,
                kernel_size=3,
                padding=d,
                dilation=d,
                bias=True) for d in dilations
        ])
        for conv in self.conv2d_list:
            nn.init.normal_(conv.weight, 0, 0.01)

    def forward(self, x: Tensor) -> Tensor:
        """Sum of the dilated branches, [N, out_channels, H, W]."""
        out = self.conv2d_list[0](x)
        for conv in self.conv2d_list[1:]:
            out = out + conv(x)
        return out
