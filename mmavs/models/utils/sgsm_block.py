# Copyright (c) mmavs contributors. All rights reserved.
"""Sound-guided semantic merging (SGSM) of the RAVS audio-guided modality
alignment (AMA), for one feature stage.

Given visual tokens ``f`` [B, N, C] of B frames and each frame's audio
embedding ``a`` (projected to C by a linear layer):

1. ``f_av = LN(f + MCA(f, a))``: multi-head cross-attention with visual
   queries and audio keys/values (one key per frame for a [B, D] audio
   embedding, L keys for [B, L, D] audio tokens). With a single audio key
   the attention weight is 1 and MCA reduces to a learned projection of the
   audio; the token-dependent interaction comes from the LayerNorm and the
   relevance MLP (the paper does not say more).
2. relevance ``s = MLP(f_av)`` [B, N] (Linear-GELU-Linear to one score).
3. DPC-KNN groups of ``f`` (no gradient, :func:`dpc_knn`); within each group
   ``w = softmax(s)`` over the group's tokens (scatter ops, no loop) and the
   compact representation ``G_p = sum_z w_z f_z`` [B, P, C].
4. ``num_layers`` decoder layers refine G with the visual tokens as memory;
   the cross-attention logits get the relevance score added,
   ``softmax(q k^T / sqrt(d) + S)`` (Eq. 7 of the paper, with the usual
   query/key/value projections and several heads), followed by
   self-attention among the groups and an FFN (post-norm, residuals).
   ``group_mask=True`` restricts each group's cross-attention to its own
   tokens (option; Eq. 7 attends to all tokens, the default).
5. re-projection: every token gets its group's refined feature added,
   ``out_i = f_i + G_{c_i}``.

``use_grouping=False`` gives the ablation baseline's plain cross-attention
fusion: the block returns ``f_av`` and no group features.

GT-mask filtering (GTF, the "+GTF" row of the paper's component table):
``forward(x, audio, region)`` multiplies the cross-attention update of each
token by ``region`` (the fraction of the token covered by sounding ground
truth), ``f_av = LN(f + region * MCA(f, a))``, so silent regions get no
audio during training.
"""
from typing import Dict, Optional, Tuple

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from torch import Tensor, nn

from .dpc_knn import dpc_knn


def group_softmax(scores: Tensor, groups: Tensor, num_groups: int) -> Tensor:
    """Softmax of scores within groups.

    Args:
        scores (Tensor): [B, N] scores.
        groups (Tensor): [B, N] long group index in [0, num_groups).
        num_groups (int): Number of groups P.

    Returns:
        Tensor: [B, N] weights; the weights of each group sum to 1.
    """
    with torch.no_grad():
        gmax = scores.new_full((scores.shape[0], num_groups), float('-inf'))
        gmax = gmax.scatter_reduce(1, groups, scores, 'amax')
    ex = torch.exp(scores - gmax.gather(1, groups))
    denom = ex.new_zeros(scores.shape[0],
                         num_groups).scatter_add(1, groups, ex)
    return ex / denom.gather(1, groups)


def merge_groups(tokens: Tensor, weights: Tensor, groups: Tensor,
                 num_groups: int) -> Tensor:
    """Weighted sum of the tokens of each group.

    Args:
        tokens (Tensor): [B, N, C].
        weights (Tensor): [B, N].
        groups (Tensor): [B, N] long group index.
        num_groups (int): P.

    Returns:
        Tensor: [B, P, C] ``G_p = sum_{z in p} w_z * z``.
    """
    b, _, c = tokens.shape
    out = tokens.new_zeros(b, num_groups, c)
    return out.scatter_add(1, groups[:, :, None].expand(-1, -1, c),
                           tokens * weights[:, :, None])


class GroupDecoderLayer(BaseModule):
    """Transformer decoder layer refining group tokens (SGSM, Eq. 7).

    Args:
        embed_dims (int): Channels C.
        num_heads (int): Attention heads (must divide C).
        ffn_ratio (float): FFN hidden width / C. Defaults to 4.
        init_cfg (dict, optional): Initialization config.
    """

    def __init__(self,
                 embed_dims: int,
                 num_heads: int,
                 ffn_ratio: float = 4.0,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if embed_dims % num_heads:
            raise ValueError(f'GroupDecoderLayer: num_heads={num_heads} must '
                             f'divide embed_dims={embed_dims}')
        self.num_heads = num_heads
        self.q = nn.Linear(embed_dims, embed_dims)
        self.k = nn.Linear(embed_dims, embed_dims)
        self.v = nn.Linear(embed_dims, embed_dims)
        self.proj = nn.Linear(embed_dims, embed_dims)
        self.norm1 = nn.LayerNorm(embed_dims)
        self.self_attn = nn.MultiheadAttention(
            embed_dims, num_heads, batch_first=True)
        self.norm2 = nn.LayerNorm(embed_dims)
        hidden = int(embed_dims * ffn_ratio)
        self.ffn = nn.Sequential(
            nn.Linear(embed_dims, hidden), nn.GELU(),
            nn.Linear(hidden, embed_dims))
        self.norm3 = nn.LayerNorm(embed_dims)

    def forward(self,
                groups: Tensor,
                tokens: Tensor,
                relevance: Tensor,
                attn_mask: Optional[Tensor] = None) -> Tensor:
        """Refine the group tokens.

        Args:
            groups (Tensor): [B, P, C] group tokens.
            tokens (Tensor): [B, N, C] visual tokens (keys/values).
            relevance (Tensor): [B, N] relevance scores added to the
                attention logits.
            attn_mask (Tensor, optional): [B, P, N] additive mask.

        Returns:
            Tensor: [B, P, C].
        """
        b, p, c = groups.shape
        n = tokens.shape[1]
        h = self.num_heads
        q = self.q(groups).view(b, p, h, c // h).transpose(1, 2)
        k = self.k(tokens).view(b, n, h, c // h).transpose(1, 2)
        v = self.v(tokens).view(b, n, h, c // h).transpose(1, 2)
        bias = relevance[:, None, None, :]
        if attn_mask is not None:
            bias = bias + attn_mask[:, None]
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=bias)
        out = self.proj(out.transpose(1, 2).reshape(b, p, c))
        groups = self.norm1(groups + out)
        sa = self.self_attn(groups, groups, groups, need_weights=False)[0]
        groups = self.norm2(groups + sa)
        return self.norm3(groups + self.ffn(groups))


class SGSMBlock(BaseModule):
    """Sound-guided semantic merging for one stage (see module docstring).

    Args:
        embed_dims (int): Visual channels C of the stage.
        audio_dims (int): Audio embedding size.
        num_groups (int): DPC-KNN groups P.
        num_heads (int): Heads of the cross-attention and decoder layers.
        num_layers (int): Decoder layers refining the groups. Defaults to 2
            (the paper says "a stack").
        ffn_ratio (float): Decoder FFN ratio. Defaults to 4.
        k (int): DPC-KNN neighbours. Defaults to 5.
        chunk_size (int, optional): DPC-KNN distance block rows.
        use_grouping (bool): False gives plain cross-attention fusion (the
            ablation baseline). Defaults to True.
        group_mask (bool): Restrict the decoder cross-attention of a group
            to its tokens. Defaults to False.
        assign (str): DPC-KNN assignment rule, ``'nearest_center'``
            (default) or ``'density_parent'`` (see :func:`dpc_knn`).
        density (str): DPC-KNN local density, ``'mean_exp'`` (default) or
            ``'sum_exp'`` (see :func:`dpc_knn`).
        init_cfg (dict, optional): Initialization config.
    """

    def __init__(self,
                 embed_dims: int,
                 audio_dims: int,
                 num_groups: int,
                 num_heads: int = 1,
                 num_layers: int = 2,
                 ffn_ratio: float = 4.0,
                 k: int = 5,
                 chunk_size: Optional[int] = None,
                 use_grouping: bool = True,
                 group_mask: bool = False,
                 assign: str = 'nearest_center',
                 density: str = 'mean_exp',
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if assign not in ('nearest_center', 'density_parent'):
            raise ValueError(f"SGSMBlock: assign={assign!r}, expected "
                             "'nearest_center' or 'density_parent'")
        if density not in ('mean_exp', 'sum_exp'):
            raise ValueError(f"SGSMBlock: density={density!r}, expected "
                             "'mean_exp' or 'sum_exp'")
        self.assign = assign
        self.density = density
        if embed_dims % num_heads:
            raise ValueError(f'SGSMBlock: num_heads={num_heads} must divide '
                             f'embed_dims={embed_dims}')
        self.num_groups = num_groups
        self.k = k
        self.chunk_size = chunk_size
        self.use_grouping = use_grouping
        self.group_mask = group_mask
        self.audio_proj = nn.Linear(audio_dims, embed_dims)
        self.cross_attn = nn.MultiheadAttention(
            embed_dims, num_heads, batch_first=True)
        self.norm_av = nn.LayerNorm(embed_dims)
        if use_grouping:
            self.relevance = nn.Sequential(
                nn.Linear(embed_dims, embed_dims), nn.GELU(),
                nn.Linear(embed_dims, 1))
            self.layers = nn.ModuleList([
                GroupDecoderLayer(embed_dims, num_heads, ffn_ratio)
                for _ in range(num_layers)
            ])

    def forward(self,
                x: Tensor,
                audio: Tensor,
                region: Optional[Tensor] = None) -> Tuple[Tensor, Dict]:
        """Align one stage.

        Args:
            x (Tensor): [B, C, H, W] visual features.
            audio (Tensor): [B, D] or [B, L, D] audio features.
            region (Tensor, optional): [B, 1, H, W] weights in [0, 1] of
                the cross-attention update per token (GT-mask filtering).
                None (default) fuses every token.

        Returns:
            tuple: ``out`` [B, C, H, W] and a dict with ``audio`` [B, C]
            (projected audio, averaged over L) and, with grouping,
            ``group_feats`` [B, P, C] (refined), ``group_index`` [B, N]
            (token -> group) and ``relevance`` [B, N].
        """
        b, c, h, w = x.shape
        if audio.dim() == 2:
            audio = audio[:, None]
        if audio.dim() != 3 or audio.shape[0] != b:
            raise ValueError(f'SGSMBlock: audio must be [{b}, D] or '
                             f'[{b}, L, D], got {tuple(audio.shape)}')
        f = x.flatten(2).transpose(1, 2)  # [B, N, C]
        a = self.audio_proj(audio)  # [B, L, C]
        mca = self.cross_attn(f, a, a, need_weights=False)[0]
        if region is not None:
            if region.shape != (b, 1, h, w):
                raise ValueError(f'SGSMBlock: region must be [{b}, 1, {h}, '
                                 f'{w}], got {tuple(region.shape)}')
            mca = mca * region.flatten(2).transpose(1, 2).to(mca.dtype)
        f_av = self.norm_av(f + mca)
        extras = dict(audio=a.mean(1))
        if not self.use_grouping:
            return f_av.transpose(1, 2).reshape(b, c, h, w), extras

        s = self.relevance(f_av).squeeze(-1)  # [B, N]
        p = self.num_groups
        index = dpc_knn(f, p, self.k, self.chunk_size, self.assign,
                        self.density).assignment
        weights = group_softmax(s, index, p)
        groups = merge_groups(f, weights, index, p)
        attn_mask = None
        if self.group_mask:
            member = index[:, None, :] == torch.arange(
                p, device=x.device)[None, :, None]
            attn_mask = torch.zeros(
                member.shape, dtype=f.dtype,
                device=x.device).masked_fill_(~member, float('-inf'))
        for layer in self.layers:
            groups = layer(groups, f, s, attn_mask)
        out = f + groups.gather(1, index[:, :, None].expand(-1, -1, c))
        extras.update(group_feats=groups, group_index=index, relevance=s)
        return out.transpose(1, 2).reshape(b, c, h, w), extras
