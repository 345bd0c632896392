# Copyright (c) mmavs contributors. All rights reserved.
"""Multi-head attention over the T frames of a clip at every position."""
import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn


class TemporalAttention(nn.Module):
    """Multi-head self-attention along the frame axis, per position.

    The same function as ``nn.MultiheadAttention(embed_dims, num_heads,
    batch_first=True)`` applied to the sequence of T frames of every
    position (``query = key = value``, no mask, no dropout), with the same
    parameters under the same names (``in_proj_weight``, ``in_proj_bias``,
    ``out_proj``; checkpoints load unchanged), computed without per-position
    copies:

    - the input and output projections are single matrix products over all
      ``B * T * P`` tokens (``F.linear`` on ``[B, T, P, C]``);
    - the attention of each position and head over T frames (T is small,
      e.g. 5 or 10) is one batched matrix product on ``[B, P, heads, T,
      d]`` views of the projected tensors (no generic attention kernel, no
      per-position sequence tensors).

    Args:
        embed_dims (int): Channels C.
        num_heads (int): Heads (``C % num_heads == 0``).
    """

    def __init__(self, embed_dims: int, num_heads: int) -> None:
        super().__init__()
        if embed_dims % num_heads:
            raise ValueError(f'TemporalAttention: embed_dims={embed_dims} is '
                             f'not divisible by num_heads={num_heads}')
        self.embed_dims = embed_dims
        self.num_heads = num_heads
        self.in_proj_weight = nn.Parameter(
            torch.empty(3 * embed_dims, embed_dims))
        self.in_proj_bias = nn.Parameter(torch.empty(3 * embed_dims))
        self.out_proj = nn.Linear(embed_dims, embed_dims)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """``nn.MultiheadAttention``'s initialisation."""
        nn.init.xavier_uniform_(self.in_proj_weight)
        nn.init.zeros_(self.in_proj_bias)
        nn.init.zeros_(self.out_proj.bias)

    def forward(self, x: Tensor) -> Tensor:
        """Attend over the frame axis.

        Args:
            x (Tensor): [B, T, P, C] (B clips, T frames, P positions).

        Returns:
            Tensor: [B, T, P, C], the attention output (before any residual
            or normalisation).
        """
        if x.dim() != 4 or x.shape[-1] != self.embed_dims:
            raise ValueError('TemporalAttention expects [B, T, P, '
                             f'{self.embed_dims}], got {tuple(x.shape)}')
        b, t, p, c = x.shape
        heads = self.num_heads
        qkv = F.linear(x, self.in_proj_weight, self.in_proj_bias)
        q, k, v = qkv.view(b, t, p, 3, heads, c // heads).unbind(3)
        # [B, P, heads, T, d] views: T x T attention of every position and
        # head as one batched matrix product
        q, k, v = (y.permute(0, 2, 3, 1, 4) for y in (q, k, v))
        attn = (q @ k.transpose(-1, -2)).mul_(
            1.0 / math.sqrt(c // heads)).softmax(-1)
        out = (attn @ v).permute(0, 3, 1, 2, 4).reshape(b, t, p, c)
        return self.out_proj(out)
