# Copyright (c) mmavs contributors. All rights reserved.
"""The fusion decoder blocks of the AVSBench baseline (TPAVI).

Quirk of the official code, reproduced here: the official
``ResidualConvUnit`` (OpenNLPLab/AVSBench,
``avs_scripts/*/model/{ResNet,PVT}_AVSModel.py``) starts with
``out = nn.ReLU(inplace=True)(x)``. The in-place ReLU overwrites its input,
so the ``out + x`` at its end adds the *rectified* input: the unit computes

    ``relu(x) + conv2(relu(conv1(relu(x))))``

and not the textbook residual ``x + conv2(relu(conv1(relu(x))))``. The
published AVSBench checkpoints were trained with this behaviour; with the
textbook skip their logits change by up to 0.64 on random-weight models
(``tools/model_converters/make_parity_golden.py`` measures it). mmavs has no
method that needs the textbook unit, so only the official one is kept.

The same in-place ReLUs also rectify, as a side effect, the feature maps the
decoder reads (the official ``Pred_endecoder`` returns its TPAVI outputs
after the decoder ran, i.e. rectified). :class:`FeatureFusionBlock` does not
modify its inputs; :class:`~mmavs.models.losses.AVMKLLoss` rectifies the maps
it reads instead (``rectify_visual``).
"""
from typing import Optional, Sequence

import torch.nn.functional as F
from torch import Tensor, nn


class ResidualConvUnit(nn.Module):
    """``relu(x) + conv2(relu(conv1(relu(x))))`` (official AVSBench unit).

    The skip connection adds ``relu(x)``, as the official in-place ReLU
    makes it do (see the module docstring). Two 3x3 convolutions with bias.

    Args:
        channels (int): Feature channels.
    """

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=True)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=True)
        self.relu = nn.ReLU()

    def forward(self, x: Tensor) -> Tensor:
        """Residual refinement of ``x`` (same shape; ``x`` is unchanged)."""
        x = self.relu(x)
        out = self.conv2(self.relu(self.conv1(x)))
        return out + x


class FeatureFusionBlock(nn.Module):
    """Fuse a decoder feature with a skip feature and upsample it.

    ``out = up(rcu2(x + rcu1(skip)))`` (``rcu2(x)`` without a skip), where
    ``rcu`` is the official :class:`ResidualConvUnit` and ``up`` a bilinear
    resize with ``align_corners=True`` to ``out_size`` or, by default, by a
    factor of 2 (the official AVSBench block).

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
