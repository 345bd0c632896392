# Copyright (c) mmavs contributors. All rights reserved.
"""Process bodies for the distributed tests (importable for spawn)."""
import torch
import torch.distributed as dist
from torch import nn


def mmengine_init_dist(rank: int, world_size: int) -> str:
    """mmengine's own init_dist with gloo (fails on CPU-only machines)."""
    from mmengine.dist import init_dist
    init_dist('pytorch', backend='gloo')
    return dist.get_backend()


def shim_ddp_step(rank: int, world_size: int) -> dict:
    """One DDP step on CPU through :mod:`mmavs.compat.dist`."""
    import mmavs  # noqa: F401
    from mmavs.compat import init_cpu_dist, wrap_cpu_ddp
    init_cpu_dist('pytorch')
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.SyncBatchNorm(4))
    ddp = wrap_cpu_ddp(model)
    out = ddp(torch.randn(2, 3, 8, 8) + rank)
    out.square().mean().backward()
    grad = ddp.module[0].weight.grad.clone()
    gathered = [torch.zeros_like(grad) for _ in range(world_size)]
    dist.all_gather(gathered, grad)
    return dict(
        backend=dist.get_backend(),
        device_ids=ddp.device_ids,
        has_sync_bn=any(
            isinstance(m, nn.SyncBatchNorm) for m in ddp.modules()),
        grads_equal=all(torch.equal(g, gathered[0]) for g in gathered))
