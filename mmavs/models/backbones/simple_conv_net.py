# Copyright (c) mmavs contributors. All rights reserved.
from typing import List, Sequence

from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from torch import Tensor, nn

from mmavs.registry import MODELS


@MODELS.register_module()
class SimpleConvNet(BaseModule):
    """A small multi-stage CNN for tiny configs and tests.

    Each stage is a stride-2 3x3 ConvModule followed by ``depth - 1`` stride-1
    ones, so stage ``i`` has stride ``2 ** (i + 1)``.

    Args:
        in_channels (int): Input channels. Defaults to 3.
        channels (Sequence[int]): Output channels of each stage.
        depth (int): Convs per stage. Defaults to 1.
        norm_cfg (dict): Norm layer config. Defaults to BN.
        init_cfg (dict, optional): Initialization config.
    """

    def __init__(self,
                 in_channels: int = 3,
                 channels: Sequence[int] = (16, 32),
                 depth: int = 1,
                 norm_cfg: dict = dict(type='BN'),
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.stages = nn.ModuleList()
        for out_channels in channels:
            layers = [
                ConvModule(
                    in_channels if i == 0 else out_channels,
                    out_channels,
                    3,
                    stride=2 if i == 0 else 1,
                    padding=1,
                    norm_cfg=norm_cfg) for i in range(depth)
            ]
            self.stages.append(nn.Sequential(*layers))
            in_channels = out_channels

    def forward(self, x: Tensor) -> List[Tensor]:
        """Return the output of every stage."""
        outs = []
        for stage in self.stages:
            x = stage(x)
            outs.append(x)
        return outs
