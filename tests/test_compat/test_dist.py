# Copyright (c) mmavs contributors. All rights reserved.
import pytest
import torch

from mmavs.testing import run_processes
from mmavs.testing.dist_checks import mmengine_init_dist, shim_ddp_step

cpu_only = pytest.mark.skipif(
    torch.cuda.is_available(),
    reason='the gloo CPU path is only taken without CUDA')


@cpu_only
def test_mmengine_init_dist_fails_on_cpu_without_the_shim():
    results = run_processes(mmengine_init_dist, 2, timeout=120)
    assert not any(ok for ok, _ in results)
    assert any('cuda' in str(value).lower() for _, value in results)


@cpu_only
def test_cpu_ddp_with_the_shim():
    results = run_processes(shim_ddp_step, 2, timeout=120)
    for ok, value in results:
        assert ok, value
        assert value['backend'] == 'gloo'
        assert value['device_ids'] is None
        assert value['has_sync_bn'] is False
        # DDP averaged the gradients: every rank holds the same gradient
        assert value['grads_equal']
