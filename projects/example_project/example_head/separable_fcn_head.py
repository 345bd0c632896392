# Copyright (c) mmavs contributors. All rights reserved.
"""An example third-party decode head for mmavs.

It lives outside the ``mmavs`` package and is registered in mmavs's MODELS
registry only when a config lists it in ``custom_imports``.
"""
from typing import List

from mmcv.cnn import DepthwiseSeparableConvModule
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from torch import Tensor, nn

from mmavs.registry import MODELS


@MODELS.register_module()
class SeparableFCNHead(BaseDecodeHead):
    """FCN-style head built from depthwise-separable convolutions.

    Args:
        num_convs (int): Number of separable convs. Defaults to 2.
        **kwargs: Arguments of :class:`BaseDecodeHead` (``in_channels``,
            ``channels``, ``num_classes``, ``out_channels``, ``in_index``,
            ``loss_decode``...).
    """

    def __init__(self, num_convs: int = 2, **kwargs) -> None:
        super().__init__(**kwargs)
        self.convs = nn.Sequential(*[
            DepthwiseSeparableConvModule(
                self.in_channels if i == 0 else self.channels,
                self.channels,
                3,
                padding=1,
                norm_cfg=self.norm_cfg,
                act_cfg=self.act_cfg) for i in range(num_convs)
        ])

    def forward(self, inputs: List[Tensor]) -> Tensor:
        """Logits of every frame from the selected feature level."""
        return self.cls_seg(self.convs(self._transform_inputs(inputs)))
