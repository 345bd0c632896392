# Copyright (c) mmavs contributors. All rights reserved.
from typing import Dict

import torch
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmcv.cnn.bricks.transformer import build_transformer_layer
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from torch import Tensor, nn

from mmavs.registry import MODELS
from ..utils import mha_cfg, post_norm_layer_cfg

HEAD_INPUTS = ('queries', 'memory', 'mask_feats')


@MODELS.register_module()
class AVSegFormerHead(BaseDecodeHead):
    """Transformer decoder and mask head of AVSegFormer.

    Takes the dict made by :class:`AVSegFormerNeck`:
    ``queries`` [N, Q, C], ``memory`` [N, L, C] (encoder tokens of all
    levels) and ``mask_feats`` ``F_hat`` [N, C, H/4, W/4] (mixed), and

    1. decodes the queries with ``num_layers`` mmcv ``BaseTransformerLayer`` s
       (self-attention, norm, cross-attention to ``memory``, norm, GELU
       FFN, norm; dropout ``dropout`` on the attention weights, after each
       attention and in the FFN; no positional encoding, as the official
       ``AVSTransformerDecoderLayer``); only the last layer's output
       ``Q_out`` is used;
    2. the mask head (paper eq. 11): ``M = FC(F_hat + MLP(Q_out . F_hat))``
       where ``Q_out . F_hat`` is [N, Q, H/4, W/4] (``einsum('nqc,nchw->
       nqhw')``), ``MLP`` three 1x1 convs ``Q -> mlp_channels ->
       mlp_channels -> C`` with ReLU between, and ``FC`` a 3x3 conv
       (C -> ``mid_channels``), a bilinear x``scale_factor`` upsampling
       (``align_corners=False``), a 3x3 conv (-> ``channels``) with ReLU and
       the bias-free 1x1 classifier ``conv_seg``.

    For stride-4 mask features and ``scale_factor=4`` the logits have the
    input resolution. Binary tasks use ``out_channels=1`` (sigmoid),
    semantic ones ``num_classes`` channels (softmax).

    The official ``AVSegHead`` also builds ``attn_fc`` and ``fpn``
    (``SimpleFPN``), which its forward never uses; they are not built here
    (the converter drops their weights).

    Args:
        embed_dims (int): Width C. Defaults to 256.
        num_queries (int): Queries Q. Defaults to 300.
        num_layers (int): Decoder layers. Defaults to 6.
        num_heads (int): Attention heads. Defaults to 8.
        feedforward_channels (int): FFN hidden width. Defaults to 2048.
        dropout (float): Decoder dropout. Defaults to 0.1.
        mlp_channels (int): Hidden width of the MLP. Defaults to 2048.
        mid_channels (int): Width of the first FC conv. Defaults to 128.
        channels (int): Width before ``conv_seg``. Defaults to 32.
        scale_factor (int): Upsampling inside FC. Defaults to 4.
        **kwargs: :class:`BaseDecodeHead` arguments (``num_classes``,
            ``out_channels``, ``threshold``, ``loss_decode``, ...).
    """

    def __init__(self,
                 embed_dims: int = 256,
                 num_queries: int = 300,
                 num_layers: int = 6,
                 num_heads: int = 8,
                 feedforward_channels: int = 2048,
                 dropout: float = 0.1,
                 mlp_channels: int = 2048,
                 mid_channels: int = 128,
                 channels: int = 32,
                 scale_factor: int = 4,
                 **kwargs) -> None:
        kwargs.setdefault('dropout_ratio', 0.0)
        kwargs.setdefault('init_cfg', None)
        super().__init__(in_channels=embed_dims, channels=channels, **kwargs)
        self.embed_dims = embed_dims
        self.num_queries = num_queries
        self.scale_factor = scale_factor
        attn = mha_cfg(embed_dims, num_heads, dropout=dropout)
        layer = post_norm_layer_cfg([attn, attn], embed_dims,
                                    feedforward_channels, dropout)
        self.decoder = nn.ModuleList(
            [build_transformer_layer(layer) for _ in range(num_layers)])
        self.mlp = nn.Sequential(
            ConvModule(num_queries, mlp_channels, 1),
            ConvModule(mlp_channels, mlp_channels, 1),
            nn.Conv2d(mlp_channels, embed_dims, 1))
        self.fc_conv1 = nn.Conv2d(embed_dims, mid_channels, 3, padding=1)
        self.fc_conv2 = ConvModule(mid_channels, channels, 3, padding=1)
        self.conv_seg = nn.Conv2d(channels, self.out_channels, 1, bias=False)

    def init_weights(self) -> None:
        """Xavier-uniform weights (official ``_reset_parameters``) unless an
        ``init_cfg`` is given."""
        if self.init_cfg is not None:
            super().init_weights()
            return
        for param in self.parameters():
            if param.dim() > 1:
                nn.init.xavier_uniform_(param)
        self._is_init = True

    def forward(self, inputs: Dict[str, Tensor]) -> Tensor:
        """Decode the queries and predict the masks.

        Args:
            inputs (dict): ``queries``, ``memory`` and ``mask_feats`` (see
                the class docstring).

        Returns:
            Tensor: Logits [N, out_channels, H, W].
        """
        if not isinstance(inputs, dict) or any(k not in inputs
                                               for k in HEAD_INPUTS):
            got = list(inputs) if isinstance(inputs, dict) else type(inputs)
            raise ValueError(f'AVSegFormerHead expects a dict with keys '
                             f'{HEAD_INPUTS} (AVSegFormerNeck output), got '
                             f'{got}')
        query, memory = inputs['queries'], inputs['memory']
        mask_feats = inputs['mask_feats']
        if query.shape[1:] != (self.num_queries, self.embed_dims):
            raise ValueError(f'AVSegFormerHead: queries must be [N, '
                             f'{self.num_queries}, {self.embed_dims}], got '
                             f'{tuple(query.shape)}')
        for layer in self.decoder:
            query = layer(query, memory, memory)
        pred = torch.einsum('nqc,nchw->nqhw', query, mask_feats)
        x = mask_feats + self.mlp(pred)
        x = self.fc_conv1(x)
        x = F.interpolate(
            x,
            scale_factor=self.scale_factor,
            mode='bilinear',
            align_corners=False)
        x = self.fc_conv2(x)
        return self.cls_seg(x)
