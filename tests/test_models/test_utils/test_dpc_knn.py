# Copyright (c) mmavs contributors. All rights reserved.
import pytest
import torch

import mmavs  # noqa: F401  (installs the mmcv.ops fallback first)
from mmavs.models.utils.dpc_knn import dpc_knn, dpc_knn_block_bytes


def _blobs(num_blobs=4, per_blob=25, dim=8, spread=0.3, seed=0):
    """Tokens drawn around well separated centres, with their blob ids."""
    g = torch.Generator().manual_seed(seed)
    centres = torch.randn(num_blobs, dim, generator=g) * 10
    x = torch.cat([
        c + spread * torch.randn(per_blob, dim, generator=g) for c in centres
    ])
    labels = torch.arange(num_blobs).repeat_interleave(per_blob)
    return x, labels


def _same_partition(a: torch.Tensor, b: torch.Tensor) -> bool:
    """Whether two label vectors define the same partition."""
    return torch.equal(a[:, None] == a[None], b[:, None] == b[None])


def test_separated_blobs_are_found():
    x, labels = _blobs()
    res = dpc_knn(x[None], num_clusters=4, k=5)
    assert res.assignment.shape == (1, 100)
    assert res.centers.shape == (1, 4)
    assert _same_partition(res.assignment[0], labels)
    # each centre belongs to its own group and to a different blob
    assert torch.equal(res.assignment[0, res.centers[0]], torch.arange(4))
    assert len(set(labels[res.centers[0]].tolist())) == 4


def test_assignments_invariant_to_token_order():
    x, _ = _blobs(num_blobs=3, per_blob=20, seed=1)
    ref = dpc_knn(x[None], 3, k=4)
    perm = torch.randperm(
        x.shape[0], generator=torch.Generator().manual_seed(2))
    out = dpc_knn(x[perm][None], 3, k=4)
    assert _same_partition(out.assignment[0], ref.assignment[0][perm])
    # the same tokens are centres, in the same score order
    assert torch.equal(perm[out.centers[0]], ref.centers[0])
    torch.testing.assert_close(
        out.density[0], ref.density[0][perm], atol=1e-4, rtol=0)


@pytest.mark.parametrize('assign', ['nearest_center', 'density_parent'])
def test_chunked_and_unchunked_agree(assign):
    x = torch.stack([_blobs(seed=s)[0] for s in range(3)])  # [3, 100, 8]
    full = dpc_knn(x, 5, k=5, chunk_size=x.shape[1], assign=assign)
    for chunk in (1, 7, 33):
        part = dpc_knn(x, 5, k=5, chunk_size=chunk, assign=assign)
        assert torch.equal(part.assignment, full.assignment)
        assert torch.equal(part.centers, full.centers)
        torch.testing.assert_close(
            part.density, full.density, atol=1e-4, rtol=0)
        torch.testing.assert_close(part.delta, full.delta, atol=1e-3, rtol=0)


def test_batched_equals_per_frame():
    x = torch.stack([_blobs(seed=s)[0] for s in range(3)])
    batch = dpc_knn(x, 4, k=5)
    for i in range(3):
        one = dpc_knn(x[i:i + 1], 4, k=5)
        assert torch.equal(one.assignment[0], batch.assignment[i])
        assert torch.equal(one.centers[0], batch.centers[i])


@pytest.mark.parametrize('chunk', [None, 1, 7])
def test_density_and_delta_match_definition(chunk):
    g = torch.Generator().manual_seed(3)
    x = torch.randn(2, 30, 6, generator=g)
    k = 4
    res = dpc_knn(x, 3, k=k, chunk_size=chunk)
    d = torch.cdist(x.double(), x.double()) / 6**0.5
    knn = d.topk(k, dim=-1, largest=False).values
    density = torch.exp(-(knn**2).mean(-1))
    torch.testing.assert_close(
        res.density.double(), density, atol=1e-5, rtol=0)
    denser = density[:, None, :] > density[:, :, None]
    delta = d.masked_fill(~denser, float('inf')).amin(-1)
    top = density.argmax(1)
    for b in range(2):
        delta[b, top[b]] = d[b].max()
    torch.testing.assert_close(res.delta.double(), delta, atol=1e-4, rtol=0)
    score = density * delta
    for b in range(2):
        # centres = the P largest rho * delta, densest first
        expected = set(score[b].topk(3).indices.tolist())
        assert set(res.centers[b].tolist()) == expected
        # every token goes to its nearest centre
        nearest = d[b][res.centers[b]].argmin(0)
        assert torch.equal(res.assignment[b], nearest)


def test_duplicate_tokens_are_deterministic():
    x, _ = _blobs(num_blobs=2, per_blob=10, seed=4)
    x = torch.cat([x, x])[None]  # every token twice: density ties
    a = dpc_knn(x, 2, k=3)
    b = dpc_knn(x, 2, k=3)
    assert torch.equal(a.assignment, b.assignment)
    assert torch.equal(a.centers, b.centers)
    assert a.assignment.unique().numel() == 2


def test_no_grad_and_errors():
    x = torch.randn(1, 10, 4, requires_grad=True)
    res = dpc_knn(x, 2, k=3)
    assert not res.density.requires_grad
    with pytest.raises(ValueError, match='num_clusters'):
        dpc_knn(x, 11)
    with pytest.raises(ValueError, match='k=20'):
        dpc_knn(x, 2, k=20)
    with pytest.raises(ValueError, match=r'\[B, N, C\]'):
        dpc_knn(x[0], 2)
    with pytest.raises(ValueError, match='chunk_size'):
        dpc_knn(x, 2, chunk_size=0)


def test_block_bytes_bounded():
    # 40 frames of 3136 tokens: the automatic block stays under 2**25 floats
    assert dpc_knn_block_bytes(40, 3136) <= 2**25 * 4
    assert dpc_knn_block_bytes(1, 196) == 196 * 196 * 4


def test_density_parent_assignment():
    x, labels = _blobs(num_blobs=3, per_blob=15, seed=5)
    res = dpc_knn(x[None], 3, k=4, assign='density_parent')
    assert _same_partition(res.assignment[0], labels)
    # every non-centre token has the group of its nearest denser token
    g = torch.Generator().manual_seed(6)
    y = torch.randn(2, 40, 3, generator=g)
    res = dpc_knn(y, 4, k=3, assign='density_parent')
    assert (res.assignment >= 0).all() and (res.assignment < 4).all()
    d = torch.cdist(y, y)
    rank = torch.empty(2, 40, dtype=torch.long)
    order = torch.sort(
        res.density, dim=1, descending=True, stable=True).indices
    rank.scatter_(1, order, torch.arange(40).expand(2, -1))
    for b in range(2):
        centres = set(res.centers[b].tolist())
        for i in range(40):
            if i in centres:
                continue
            denser = (rank[b] < rank[b, i]).nonzero().flatten()
            j = denser[d[b, i, denser].argmin()]
            assert res.assignment[b, i] == res.assignment[b, j]
    with pytest.raises(ValueError, match='assign'):
        dpc_knn(y, 2, assign='chain')


def test_sum_exp_density_matches_eq3():
    """Eq. 3: rho_i = sum over the k nearest other tokens of exp(-d^2)."""
    g = torch.Generator().manual_seed(5)
    x = torch.randn(2, 20, 4, generator=g)
    k = 3
    res = dpc_knn(x, 3, k=k, density='sum_exp')
    d = torch.cdist(x.double(), x.double()) / 4**0.5
    d = d + torch.diag(torch.full((20, ), float('inf'), dtype=d.dtype))
    knn = d.topk(k, dim=-1, largest=False).values  # self excluded
    rho = torch.exp(-knn**2).sum(-1)
    torch.testing.assert_close(res.density.double(), rho, atol=1e-5, rtol=0)
    # the densest token (by Eq. 3) is a centre
    for b in range(2):
        assert int(rho[b].argmax()) in res.centers[b].tolist()
    # Eq. 3 and the mean-exp density differ, and the blobs are still found
    mean = dpc_knn(x, 3, k=k).density
    assert not torch.allclose(res.density, mean)
    blobs, labels = _blobs()
    found = dpc_knn(blobs[None], 4, density='sum_exp',
                    assign='density_parent').assignment[0]
    assert _same_partition(found, labels)
    with pytest.raises(ValueError, match='self excluded'):
        dpc_knn(x, 3, k=20, density='sum_exp')
    with pytest.raises(ValueError, match='density'):
        dpc_knn(x, 3, density='mean')
