# Copyright (c) mmavs contributors. All rights reserved.
"""DPC-KNN token grouping (density peaks clustering with k nearest
neighbours), batched over frames and vectorised over tokens.

For the N tokens ``x_i`` of one frame (C channels) and the distance
``d_ij = ||x_i - x_j|| / sqrt(C)`` (normalised by ``sqrt(C)`` as in the
token-clustering reference implementation, TCFormer's ``cluster_dpc_knn``):

1. local density, ``density='mean_exp'`` (default, the reference):
   ``rho_i = exp(-mean_{j in kNN(i)} d_ij^2)``, where the k nearest
   neighbours include the token itself (distance 0);
   ``density='sum_exp'`` (the RAVS paper's Eq. 3 as extracted, a sum of
   exponentials over the k nearest neighbours):
   ``rho_i = sum_{j in kNN(i), j != i} exp(-d_ij^2)``, the k nearest other
   tokens (the exponent's square is the Gaussian kernel of DPC-KNN; the
   paper's text lost it in extraction);
2. ``delta_i = min_{j: rho_j > rho_i} d_ij``, the distance to the nearest
   token of higher density; the densest token gets the largest distance of
   the frame, ``max_ij d_ij``;
3. the P tokens with the largest ``score = rho * delta`` are the centres,
   numbered 0..P-1 by decreasing score;
4. ``assign='nearest_center'`` (default, the reference): every token is
   assigned to its nearest centre (each centre to itself);
   ``assign='density_parent'`` (the RAVS paper's Eq. 4, the original DPC
   rule): every non-centre token takes the group of its nearest denser
   token, resolved for all tokens at once by pointer doubling
   (ceil(log2 N) gathers).

Deviations from the reference, for determinism: the reference breaks
density ties with uniform noise of amplitude 1e-6 (``torch.rand``); here
density ties are broken by token index (the lower index counts as denser)
and score ties by token index too (stable sorts), so a run is
reproducible. The densest token always becomes a centre (its score is set
to +inf; it already has the largest density and the largest ``delta``, so
this only matters for exact ties). Distances come from
``|a|^2 + |b|^2 - 2 a.b`` (clamped at 0) on features centred per frame
(to limit cancellation); a chunked and an unchunked run agree up to
float32 rounding of the matrix products.

Memory: the N x N distance matrix is never held for all rows at once when
``chunk_size`` < N: densities and ``delta`` are computed for blocks of
``chunk_size`` query rows ([B, chunk_size, N] at a time). Unchunked, the
matrix of the density pass is reused for ``delta``; chunked, ``delta`` is
computed with the tokens in density order, where a block of queries needs
only the (denser) keys before its end: half the products, and no N x N
comparison mask, so a chunked run costs about as much as an unchunked
one. The default chunk size keeps a block under 2**25 elements (128 MiB in
float32).
Everything runs under ``torch.no_grad()``.
"""
import math
from typing import NamedTuple, Optional, Tuple

import torch
from torch import Tensor

DEFAULT_MAX_BLOCK_ELEMENTS = 2**25


class DPCKNNResult(NamedTuple):
    """Output of :func:`dpc_knn`.

    Attributes:
        assignment (Tensor): [B, N] long, group index (0..P-1) of each token.
        centers (Tensor): [B, P] long, token index of each group's centre
            (group p is centred on token ``centers[:, p]``).
        density (Tensor): [B, N] local density rho.
        delta (Tensor): [B, N] distance to the nearest denser token.
    """
    assignment: Tensor
    centers: Tensor
    density: Tensor
    delta: Tensor


def _augment(x: Tensor, sq: Tensor) -> Tuple[Tensor, Tensor]:
    """Rows whose products are squared distances.

    ``[x_i, |x_i|^2, 1] . [-2 x_j, 1, |x_j|^2] = |x_i - x_j|^2``: one
    batched matrix product gives a block of squared distances, with no
    broadcast sums over the block.

    Args:
        x (Tensor): [B, N, C] tokens.
        sq (Tensor): [B, N] their squared norms.

    Returns:
        tuple[Tensor, Tensor]: query rows and key rows, [B, N, C + 2].
    """
    ones = torch.ones_like(sq)[:, :, None]
    query = torch.cat([x, sq[:, :, None], ones], dim=2)
    keys = torch.cat([-2 * x, ones, sq[:, :, None]], dim=2)
    return query, keys


def _sq_dists(query: Tensor,
              keys: Tensor,
              buffer: Optional[Tensor] = None) -> Tensor:
    """Squared Euclidean distances [B, M, N] of augmented rows
    (:func:`_augment`) [B, M, C + 2] and [B, N, C + 2], clamped at 0,
    written into the front of the flat ``buffer`` if given (reused by every
    block, so no block pays for fresh memory)."""
    num_frames, rows, _ = query.shape
    size = num_frames * rows * keys.shape[1]
    if buffer is None:
        buffer = query.new_empty(size)
    out = buffer[:size].view(num_frames, rows, keys.shape[1])
    torch.bmm(query, keys.transpose(1, 2), out=out)
    return out.clamp_min_(0.0)


def _resolve_chunk(num_frames: int, num_tokens: int,
                   chunk_size: Optional[int]) -> int:
    if chunk_size is None:
        chunk_size = DEFAULT_MAX_BLOCK_ELEMENTS // max(1,
                                                       num_frames * num_tokens)
    if chunk_size < 1:
        raise ValueError(f'dpc_knn: chunk_size must be >= 1, got {chunk_size}')
    return min(int(chunk_size), num_tokens)


def _nearest_denser_chunked(query: Tensor, keys: Tensor, order: Tensor,
                            chunk: int,
                            buffer: Tensor) -> Tuple[Tensor, Tensor]:
    """Squared distance to, and index of, the nearest denser token, by
    blocks of ``chunk`` query rows.

    Tokens are taken in density order (``order``: densest first), so the
    tokens denser than the query at sorted position ``i`` are the sorted
    positions ``< i``: the block of queries ``[s, e)`` needs the keys
    ``[0, e)`` only (half the products of all rows against all keys, and
    no ``[N, N]`` comparison mask; only the ``[e - s, e - s]`` diagonal
    block is masked). The densest token gets ``inf`` (no denser token).

    Args:
        query (Tensor): [B, N, C + 2] augmented query rows
            (:func:`_augment`).
        keys (Tensor): [B, N, C + 2] augmented key rows.
        order (Tensor): [B, N] token indices by decreasing density.
        chunk (int): Query rows per block.
        buffer (Tensor): Flat buffer of at least ``B * chunk * N``
            elements for the blocks.

    Returns:
        tuple[Tensor, Tensor]: ``delta^2`` [B, N] and the nearest denser
        token's index [B, N] (original token order).
    """
    num_frames, num_tokens, width = query.shape
    index = order[:, :, None].expand(-1, -1, width)
    query, keys = query.gather(1, index), keys.gather(1, index)
    delta_s = query.new_empty(num_frames, num_tokens)
    parent_s = torch.empty_like(order)
    # query s + i, key s + j: denser only if j < i
    not_denser = torch.ones(
        chunk, chunk, dtype=torch.bool, device=query.device).triu_()
    for s in range(0, num_tokens, chunk):
        e = min(s + chunk, num_tokens)
        d2 = _sq_dists(query[:, s:e], keys[:, :e], buffer)
        d2[:, :, s:e].masked_fill_(not_denser[:e - s, :e - s], float('inf'))
        torch.min(d2, -1, out=(delta_s[:, s:e], parent_s[:, s:e]))
    delta = torch.empty_like(delta_s).scatter_(1, order, delta_s)
    parent = torch.empty_like(order).scatter_(1, order,
                                              order.gather(1, parent_s))
    return delta, parent


@torch.no_grad()
def dpc_knn(x: Tensor,
            num_clusters: int,
            k: int = 5,
            chunk_size: Optional[int] = None,
            assign: str = 'nearest_center',
            density: str = 'mean_exp') -> DPCKNNResult:
    """Group the tokens of every frame with DPC-KNN.

    Args:
        x (Tensor): [B, N, C] tokens (B frames of N tokens).
        num_clusters (int): Number of groups P (1 <= P <= N).
        k (int): Neighbours of the local density: the token itself
            included for ``'mean_exp'`` (1 <= k <= N), excluded for
            ``'sum_exp'`` (1 <= k < N). Defaults to 5 (the reference
            default).
        chunk_size (int, optional): Query rows per distance block. None
            picks the largest block under 2**25 elements; ``N`` computes
            the whole matrix at once.
        assign (str): ``'nearest_center'`` (default) or
            ``'density_parent'`` (see the module docstring).
        density (str): ``'mean_exp'`` (default) or ``'sum_exp'`` (see the
            module docstring).

    Returns:
        DPCKNNResult: ``assignment`` [B, N], ``centers`` [B, P],
        ``density`` [B, N] and ``delta`` [B, N].
    """
    if x.dim() != 3:
        raise ValueError('dpc_knn expects tokens [B, N, C], got shape '
                         f'{tuple(x.shape)}')
    num_frames, num_tokens, channels = x.shape
    if not 1 <= num_clusters <= num_tokens:
        raise ValueError(f'dpc_knn: num_clusters={num_clusters} must be in '
                         f'[1, N={num_tokens}]')
    if density not in ('mean_exp', 'sum_exp'):
        raise ValueError(f"dpc_knn: density={density!r}, expected "
                         "'mean_exp' or 'sum_exp'")
    # sum_exp leaves the token itself out: k + 1 nearest, self dropped
    k_used = k + 1 if density == 'sum_exp' else k
    if not 1 <= k_used <= num_tokens:
        raise ValueError(f'dpc_knn: k={k} must be in [1, N={num_tokens}]'
                         + (' minus 1 (self excluded) for '
                            "density='sum_exp'" if density == 'sum_exp'
                            else ''))
    if assign not in ('nearest_center', 'density_parent'):
        raise ValueError(f"dpc_knn: assign={assign!r}, expected "
                         "'nearest_center' or 'density_parent'")
    chunk = _resolve_chunk(num_frames, num_tokens, chunk_size)
    x = x.detach()
    if not x.is_floating_point() or x.dtype in (torch.float16, torch.bfloat16):
        x = x.float()
    # distances are translation invariant: centring each frame reduces the
    # cancellation error of |a|^2 + |b|^2 - 2 a.b
    x = x - x.mean(dim=1, keepdim=True)
    sq = x.pow(2).sum(-1)
    scale = 1.0 / channels  # d^2 / C: distances normalised by sqrt(C)
    starts = range(0, num_tokens, chunk)

    query, keys = _augment(x, sq)
    buffer = x.new_empty(num_frames * chunk * num_tokens)

    # pass 1: kNN density and the largest distance of each frame
    rho = x.new_empty(num_frames, num_tokens)
    # one block covering all rows is kept for pass 2 (no recomputation)
    full_d2 = None
    row_max = x.new_empty(num_frames, num_tokens)
    for s in starts:
        e = min(s + chunk, num_tokens)
        d2 = _sq_dists(query[:, s:e], keys, buffer)
        if chunk == num_tokens:
            full_d2 = d2
        knn = d2.topk(k_used, dim=-1, largest=False, sorted=True).values
        if density == 'sum_exp':
            # the smallest distance is the token's own (0): drop it
            torch.sum(
                torch.exp(knn[..., 1:].mul_(-scale)), -1, out=rho[:, s:e])
        else:
            torch.mean(knn, -1, out=rho[:, s:e])
        torch.amax(d2, -1, out=row_max[:, s:e])
    if density == 'mean_exp':
        rho = torch.exp(rho.mul_(-scale))
    max_d2 = row_max.amax(1)

    # strict total order: denser first, lower index first among ties
    order = torch.sort(rho, dim=1, descending=True, stable=True).indices

    # pass 2: distance to the nearest denser token
    if full_d2 is not None:
        rank = torch.empty_like(order)
        rank.scatter_(
            1, order,
            torch.arange(num_tokens, device=x.device).expand(num_frames, -1))
        not_denser = rank[:, None, :] >= rank[:, :, None]
        full_d2.masked_fill_(not_denser, float('inf'))
        delta, parent = full_d2.min(-1)
    else:
        delta, parent = _nearest_denser_chunked(query, keys, order, chunk,
                                                buffer)
    dist_max = (max_d2 * scale).sqrt()
    delta = torch.where(
        torch.isinf(delta), dist_max[:, None].expand_as(delta),
        (delta * scale).sqrt())

    score = rho * delta
    score.scatter_(1, order[:, :1], float('inf'))  # densest is a centre
    centers = torch.sort(
        score, dim=1, descending=True, stable=True).indices[:, :num_clusters]

    group_ids = torch.arange(
        num_clusters, device=x.device).expand(num_frames, -1)
    if assign == 'density_parent':
        # centres (the densest token among them) are roots; every other
        # token points to its nearest denser token, so following the
        # pointers ends at a centre; pointer doubling resolves all chains
        root = parent.clone()
        root.scatter_(1, centers, centers)
        for _ in range(max(1, math.ceil(math.log2(num_tokens))) + 1):
            root = root.gather(1, root)
        label = torch.full_like(order, -1)
        label.scatter_(1, centers, group_ids)
        assignment = label.gather(1, root)
        return DPCKNNResult(assignment, centers, rho, delta)

    # assignment to the nearest centre (ties: the higher-scored centre)
    c_query = query.gather(1, centers[:, :,
                                      None].expand(-1, -1, query.shape[2]))
    d2c = _sq_dists(c_query, keys)  # [B, P, N]
    assignment = d2c.argmin(dim=1)
    assignment.scatter_(1, centers, group_ids)
    return DPCKNNResult(assignment, centers, rho, delta)


def dpc_knn_block_bytes(num_frames: int,
                        num_tokens: int,
                        chunk_size: Optional[int] = None,
                        dtype_bytes: int = 4) -> int:
    """Bytes of one distance block of :func:`dpc_knn` (planning helper).

    Args:
        num_frames (int): Frames B.
        num_tokens (int): Tokens per frame N.
        chunk_size (int, optional): As in :func:`dpc_knn`.
        dtype_bytes (int): Bytes per element. Defaults to 4.

    Returns:
        int: ``B * chunk * N * dtype_bytes``.
    """
    chunk = _resolve_chunk(num_frames, num_tokens, chunk_size)
    return int(num_frames * chunk * num_tokens * dtype_bytes)


__all__ = ['DPCKNNResult', 'dpc_knn', 'dpc_knn_block_bytes']
