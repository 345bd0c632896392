# Copyright (c) mmavs contributors. All rights reserved.
"""Multi-process CPU training and testing with the gloo backend.

Why: mmengine 0.10.7's ``init_dist`` calls ``torch.cuda.set_device`` and
``Runner.wrap_model`` passes ``device_ids=[LOCAL_RANK]`` to DDP; both fail on
a machine without a GPU. ``SyncBatchNorm`` does not run on CPU either.

What: when a distributed launcher is used and CUDA is unavailable,
:func:`init_cpu_dist` initialises the process group with gloo from the
launcher's environment (``torchrun`` sets ``RANK``/``WORLD_SIZE``/
``MASTER_ADDR``/``MASTER_PORT``), and :func:`wrap_cpu_ddp` reverts SyncBN to
BN and wraps the model in ``MMDistributedDataParallel`` without
``device_ids``. With a GPU nothing changes: mmengine's own code runs.
:class:`mmavs.engine.runner.AVSRunner` calls both.
"""
import datetime
import os
import subprocess
from typing import Optional

import torch
import torch.distributed as torch_dist
from mmengine.model import MMDistributedDataParallel, revert_sync_batchnorm
from torch import nn


def cpu_distributed(launcher: str) -> bool:
    """Whether a multi-process run has to use the CPU path."""
    return launcher != 'none' and not torch.cuda.is_available()


def init_cpu_dist(launcher: str, timeout: Optional[int] = 1800) -> None:
    """Initialise a gloo process group for a CPU-only distributed run.

    Args:
        launcher (str): 'pytorch' (torchrun) or 'slurm'.
        timeout (int, optional): Seconds before collectives time out.
    """
    if torch_dist.is_available() and torch_dist.is_initialized():
        return
    if launcher == 'slurm':
        # Translate SLURM's variables to the env:// protocol, as mmengine's
        # slurm launcher does (minus its cuda.set_device).
        os.environ.setdefault('RANK', os.environ['SLURM_PROCID'])
        os.environ.setdefault('WORLD_SIZE', os.environ['SLURM_NTASKS'])
        os.environ.setdefault('LOCAL_RANK', os.environ['SLURM_LOCALID'])
        os.environ.setdefault('MASTER_PORT', '29500')
        if 'MASTER_ADDR' not in os.environ:
            node_list = os.environ['SLURM_NODELIST']
            os.environ['MASTER_ADDR'] = subprocess.getoutput(
                f'scontrol show hostname {node_list} | head -n1')
    elif launcher != 'pytorch':
        raise ValueError(f'launcher {launcher!r} is not supported on CPU; '
                         "use 'pytorch' (torchrun) or 'slurm'")
    for key in ('RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT'):
        if key not in os.environ:
            raise KeyError(f'environment variable {key} is not set; start '
                           'distributed runs with tools/dist_train.sh '
                           '(torchrun)')
    torch_dist.init_process_group(
        backend='gloo',
        rank=int(os.environ['RANK']),
        world_size=int(os.environ['WORLD_SIZE']),
        timeout=datetime.timedelta(seconds=timeout))


def wrap_cpu_ddp(model: nn.Module,
                 find_unused_parameters: bool = False) -> nn.Module:
    """Wrap a CPU model for gloo DDP (SyncBN reverted, no device_ids).

    Args:
        model (nn.Module): The model, already on CPU.
        find_unused_parameters (bool): Passed to DDP.

    Returns:
        nn.Module: The wrapped model.
    """
    model = revert_sync_batchnorm(model)
    return MMDistributedDataParallel(
        module=model,
        device_ids=None,
        broadcast_buffers=False,
        find_unused_parameters=find_unused_parameters)
