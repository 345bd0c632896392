# Copyright (c) mmavs contributors. All rights reserved.
from typing import List, Sequence

import torch.nn.functional as F
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from torch import Tensor, nn

from mmavs.registry import MODELS
from ..utils import FeatureFusionBlock


@MODELS.register_module()
class TPAVIHead(BaseDecodeHead):
    """The fusion decoder of the AVSBench baseline (TPAVI).

    From the deepest stage to the shallowest, ``path_i`` fuses the decoder
    feature with stage ``i`` through residual conv units and upsamples it by
    2 (:class:`FeatureFusionBlock`), then the output head of the official
    ``Pred_endecoder`` runs ``conv3x3(C -> 128)``, a 2x bilinear upsampling
    (``align_corners=False``), ``conv3x3(128 -> 32)``, ReLU and the 1x1
    classifier ``conv_seg`` (32 -> ``out_channels``). For a stride-4 first
    stage the logits come out at the input resolution.

    Binary tasks (S4/MS3) use ``out_channels=1`` with a sigmoid loss;
    semantic ones (AVSS) ``num_classes=71`` channels with softmax.

    :class:`AVEncoderDecoder` calls :meth:`forward` once per training step
    and hands the logits both to ``loss_by_feat`` and, as
    ``extras['seg_logits']``, to the audio-visual losses (e.g.
    :class:`AVMKLLoss`, which pools the predicted masks).

    Args:
        in_channels (Sequence[int]): Channels of the neck stages (all equal).
        channels (int): Channels before ``conv_seg``. Defaults to 32.
        mid_channels (int): Channels of the first output conv.
            Defaults to 128.
        **kwargs: :class:`BaseDecodeHead` arguments (``num_classes``,
            ``out_channels``, ``loss_decode``, ...).
    """

    def __init__(self,
                 in_channels: Sequence[int] = (256, 256, 256, 256),
                 channels: int = 32,
                 mid_channels: int = 128,
                 **kwargs) -> None:
        kwargs.setdefault('in_index', list(range(len(in_channels))))
        kwargs.setdefault('input_transform', 'multiple_select')
        kwargs.setdefault('dropout_ratio', 0.0)
        super().__init__(
            in_channels=list(in_channels), channels=channels, **kwargs)
        widths = set(self.in_channels)
        if len(widths) != 1:
            raise ValueError('TPAVIHead expects stages of equal width, got '
                             f'in_channels={list(in_channels)}')
        width = widths.pop()
        self.paths = nn.ModuleList(
            [FeatureFusionBlock(width) for _ in self.in_channels])
        self.out_conv1 = nn.Conv2d(width, mid_channels, 3, padding=1)
        self.out_conv2 = nn.Conv2d(mid_channels, channels, 3, padding=1)
        self.relu = nn.ReLU()

    def forward(self, inputs: List[Tensor]) -> Tensor:
        """Decode the stages to logits [N, out_channels, H, W]."""
        feats = self._transform_inputs(inputs)
        x = self.paths[-1](
            feats[-1],
            out_size=feats[-2].shape[2:] if len(feats) > 1 else None)
        for i in range(len(feats) - 2, -1, -1):
            out_size = feats[i - 1].shape[2:] if i > 0 else None
            x = self.paths[i](x, feats[i], out_size=out_size)
        x = self.out_conv1(x)
        x = F.interpolate(
            x, scale_factor=2, mode='bilinear', align_corners=False)
        x = self.relu(self.out_conv2(x))
        return self.cls_seg(x)
