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


def non_finite_guard_steps(rank: int, world_size: int) -> dict:
    """Two DDP steps guarded by ``NonFiniteLossHook(policy='skip')``: in
    the first only rank 1 has a NaN loss, the second is finite."""
    from types import SimpleNamespace

    import mmavs  # noqa: F401
    from mmengine.optim import OptimWrapper
    from mmavs.compat import init_cpu_dist, wrap_cpu_ddp
    from mmavs.engine.hooks import NonFiniteLossHook
    init_cpu_dist('pytorch')
    torch.manual_seed(0)
    model = nn.Linear(3, 1)
    ddp = wrap_cpu_ddp(model)
    wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    hook = NonFiniteLossHook(policy='skip')
    hook.before_train(SimpleNamespace(optim_wrapper=wrapper))
    initial = model.weight.detach().clone()
    bad = float('nan') if rank == 1 else 1.0
    wrapper.update_params(ddp(torch.full((2, 3), bad)).mean())
    first = hook._skipped
    after_first = model.weight.detach().clone()
    hook.before_train_iter(None, 1)
    wrapper.update_params(ddp(torch.ones(2, 3)).mean())
    return dict(
        first=first,
        second=hook._skipped,
        unchanged_by_first=torch.equal(initial, after_first),
        weight=model.weight.detach().clone())
