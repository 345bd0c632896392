# Copyright (c) mmavs contributors. All rights reserved.
"""Configs of mmcv transformer layers in the post-norm (DETR) order."""
from typing import Sequence


def mha_cfg(embed_dims: int,
            num_heads: int,
            dropout: float = 0.,
            bias: bool = True) -> dict:
    """Config of mmcv's ``MultiheadAttention`` (batch first).

    ``attn_drop = proj_drop = dropout``: as ``nn.MultiheadAttention(...,
    dropout=p)`` followed by a dropout of ``p`` on its output before the
    residual sum.

    Args:
        embed_dims (int): Width.
        num_heads (int): Heads.
        dropout (float): Dropout probability. Defaults to 0.
        bias (bool): Biases of the projections. Defaults to True.

    Returns:
        dict: The attention config.
    """
    return dict(
        type='MultiheadAttention',
        embed_dims=embed_dims,
        num_heads=num_heads,
        attn_drop=dropout,
        proj_drop=dropout,
        bias=bias,
        batch_first=True)


def post_norm_layer_cfg(attn_cfgs: Sequence[dict], embed_dims: int,
                        feedforward_channels: int, dropout: float) -> dict:
    """Config of an mmcv ``BaseTransformerLayer`` whose operations are
    ``self_attn, norm[, cross_attn, norm], ffn, norm``.

    The first attention of ``attn_cfgs`` is the self-attention (its query,
    key and value are the layer's query), a second one the cross-attention
    (key and value are the layer's key and value). The FFN is
    ``Linear -> GELU -> Dropout -> Linear -> Dropout`` plus the residual
    (``ffn_drop = dropout``).

    Args:
        attn_cfgs (Sequence[dict]): One or two attention configs.
        embed_dims (int): Width.
        feedforward_channels (int): FFN hidden width.
        dropout (float): FFN dropout probability.

    Returns:
        dict: The layer config.
    """
    if len(attn_cfgs) not in (1, 2):
        raise ValueError('post_norm_layer_cfg takes one or two attention '
                         f'configs, got {len(attn_cfgs)}')
    order = ('self_attn', 'norm', 'cross_attn', 'norm')[:2 * len(attn_cfgs)]
    return dict(
        type='BaseTransformerLayer',
        attn_cfgs=[dict(cfg) for cfg in attn_cfgs],
        ffn_cfgs=dict(
            type='FFN',
            embed_dims=embed_dims,
            feedforward_channels=feedforward_channels,
            num_fcs=2,
            ffn_drop=dropout,
            act_cfg=dict(type='GELU')),
        operation_order=order + ('ffn', 'norm'),
        batch_first=True)
