# Copyright (c) mmavs contributors. All rights reserved.
from mmcv.cnn.bricks.transformer import build_transformer_layer
from mmengine.model import BaseModule
from torch import Tensor, nn

from .post_norm_layer import mha_cfg, post_norm_layer_cfg


class AudioQueryGenerator(BaseModule):
    """The query generator of AVSegFormer (``AttentionGenerator`` plus the
    head's learnable queries in the official code).

    ``num_queries`` initial queries (``query_embed``, an ``nn.Embedding``)
    go through ``num_layers`` mmcv ``BaseTransformerLayer`` s in the
    post-norm order self-attention, norm, cross-attention to the audio
    embedding (one key/value token per frame), norm, GELU FFN, norm
    (bias-free attention projections, no dropout, as the official
    ``AttentionLayer``). With ``use_learnable_queries=True`` (official
    default) a second set of learnable queries (``learnable_query``) is
    added to the result.

    Args:
        num_queries (int): Number of queries. Defaults to 300.
        embed_dims (int): Width. Defaults to 256.
        num_layers (int): Layers. Defaults to 6.
        num_heads (int): Attention heads. Defaults to 8.
        feedforward_channels (int): FFN hidden width. Defaults to 1024.
        use_learnable_queries (bool): Add the learnable queries. Defaults
            to True.
        init_cfg (dict, optional): Initialization config.
    """

    def __init__(self,
                 num_queries: int = 300,
                 embed_dims: int = 256,
                 num_layers: int = 6,
                 num_heads: int = 8,
                 feedforward_channels: int = 1024,
                 use_learnable_queries: bool = True,
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.num_queries = num_queries
        self.embed_dims = embed_dims
        self.query_embed = nn.Embedding(num_queries, embed_dims)
        attn = mha_cfg(embed_dims, num_heads, dropout=0., bias=False)
        layer = post_norm_layer_cfg([attn, attn], embed_dims,
                                    feedforward_channels, dropout=0.)
        self.layers = nn.ModuleList(
            [build_transformer_layer(layer) for _ in range(num_layers)])
        self.learnable_query = nn.Embedding(
            num_queries, embed_dims) if use_learnable_queries else None

    def forward(self, audio: Tensor) -> Tensor:
        """Audio-conditioned queries.

        Args:
            audio (Tensor): Audio embeddings [N, C] (one per frame).

        Returns:
            Tensor: Queries [N, num_queries, C].
        """
        if audio.dim() != 2 or audio.shape[1] != self.embed_dims:
            raise ValueError('AudioQueryGenerator expects audio embeddings '
                             f'[N, {self.embed_dims}], got '
                             f'{tuple(audio.shape)}')
        num = audio.shape[0]
        memory = audio[:, None]
        query = self.query_embed.weight[None].expand(num, -1, -1)
        for layer in self.layers:
            query = layer(query, memory, memory)
        if self.learnable_query is not None:
            query = query + self.learnable_query.weight[None]
        return query
