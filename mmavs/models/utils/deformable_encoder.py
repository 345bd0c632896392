# Copyright (c) mmavs contributors. All rights reserved.
from typing import List, Tuple

import torch
from mmcv.cnn.bricks.transformer import build_transformer_layer
from mmengine.model import BaseModule
from torch import Tensor, nn

from .post_norm_layer import post_norm_layer_cfg


class DeformableEncoder(BaseModule):
    """Multi-scale deformable transformer encoder (Deformable DETR).

    ``num_layers`` mmcv ``BaseTransformerLayer`` s of ``self_attn, norm,
    ffn, norm``, the self-attention being mmcv's
    ``MultiScaleDeformableAttention`` over all levels: compiled mmcv's CUDA
    kernel for CUDA tensors when ``mmcv._ext`` is installed, mmcv's
    pure-PyTorch ``multi_scale_deformable_attn_pytorch`` otherwise (the
    fallback ``mmcv.ops`` of :mod:`mmavs.compat.mmcv_ops`, and always on
    CPU). Its queries are the tokens plus their positional encoding, its
    values the tokens; its output dropout (``dropout``) precedes the
    residual sum. The FFN is GELU with ``dropout``.

    The reference point of a token of level ``l`` (H_l x W_l) is the centre
    of its cell, ``((x + 0.5) / W_l, (y + 0.5) / H_l)``, the same for every
    level it samples (no padding mask: all valid ratios are 1, as in the
    official AVSegFormer where the masks are all zero).

    Args:
        embed_dims (int): Width. Defaults to 256.
        num_layers (int): Layers. Defaults to 6.
        num_levels (int): Feature levels. Defaults to 3.
        num_heads (int): Attention heads. Defaults to 8.
        num_points (int): Sampling points per head and level. Defaults
            to 4.
        feedforward_channels (int): FFN hidden width. Defaults to 2048.
        dropout (float): Dropout. Defaults to 0.1.
        init_cfg (dict, optional): Initialization config.
    """

    def __init__(self,
                 embed_dims: int = 256,
                 num_layers: int = 6,
                 num_levels: int = 3,
                 num_heads: int = 8,
                 num_points: int = 4,
                 feedforward_channels: int = 2048,
                 dropout: float = 0.1,
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.embed_dims = embed_dims
        self.num_levels = num_levels
        msda = dict(
            type='MultiScaleDeformableAttention',
            embed_dims=embed_dims,
            num_heads=num_heads,
            num_levels=num_levels,
            num_points=num_points,
            dropout=dropout,
            batch_first=True)
        layer = post_norm_layer_cfg([msda], embed_dims, feedforward_channels,
                                    dropout)
        self.layers = nn.ModuleList(
            [build_transformer_layer(layer) for _ in range(num_layers)])

    @staticmethod
    def reference_points(spatial_shapes: List[Tuple[int, int]], num_levels:
                         int, device: torch.device) -> Tensor:
        """Cell centres of every token, [1, L, num_levels, 2] as (x, y)."""
        points = []
        for h, w in spatial_shapes:
            ys, xs = torch.meshgrid(
                (torch.arange(h, dtype=torch.float32, device=device) + 0.5) /
                h,
                (torch.arange(w, dtype=torch.float32, device=device) + 0.5) /
                w,
                indexing='ij')
            points.append(torch.stack((xs.reshape(-1), ys.reshape(-1)), -1))
        points = torch.cat(points, 0)
        return points[None, :, None].expand(1, -1, num_levels, 2)

    def forward(self, feats: List[Tensor], pos: List[Tensor]) -> List[Tensor]:
        """Encode the levels jointly.

        Args:
            feats (list[Tensor]): ``num_levels`` maps [N, C, H_l, W_l].
            pos (list[Tensor]): Their positional (+ level) embeddings,
                same shapes.

        Returns:
            list[Tensor]: The encoded maps, same shapes.
        """
        if len(feats) != self.num_levels or len(pos) != self.num_levels:
            raise ValueError(f'DeformableEncoder has {self.num_levels} '
                             f'levels, got {len(feats)} maps and {len(pos)} '
                             'positional embeddings')
        num = feats[0].shape[0]
        shapes = [tuple(f.shape[2:]) for f in feats]
        device = feats[0].device
        spatial_shapes = torch.as_tensor(
            shapes, dtype=torch.long, device=device)
        sizes = [h * w for h, w in shapes]
        level_start_index = torch.as_tensor(
            [0] + sizes[:-1], dtype=torch.long, device=device).cumsum(0)
        query = torch.cat([f.flatten(2).transpose(1, 2) for f in feats], 1)
        query_pos = torch.cat([p.flatten(2).transpose(1, 2) for p in pos], 1)
        reference_points = self.reference_points(
            shapes, self.num_levels, device).expand(num, -1, -1, -1)
        for layer in self.layers:
            query = layer(
                query,
                query_pos=query_pos,
                reference_points=reference_points,
                spatial_shapes=spatial_shapes,
                level_start_index=level_start_index)
        return [
            x.transpose(1, 2).reshape(num, -1, h, w)
            for x, (h, w) in zip(query.split(sizes, 1), shapes)
        ]
