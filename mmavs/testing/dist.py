# Copyright (c) mmavs contributors. All rights reserved.
"""Run a function in N local gloo processes (for tests).

The function must be importable (module level) because processes are
spawned.
"""
import os
import socket
import traceback
from typing import Any, Callable, List

import torch.distributed as dist
import torch.multiprocessing as mp


def free_port() -> int:
    """A free TCP port on localhost."""
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _entry(rank: int, world_size: int, port: int, fn: Callable, args: tuple,
           queue) -> None:
    os.environ.update(
        RANK=str(rank),
        LOCAL_RANK=str(rank),
        WORLD_SIZE=str(world_size),
        MASTER_ADDR='127.0.0.1',
        MASTER_PORT=str(port))
    try:
        queue.put((rank, True, fn(rank, world_size, *args)))
    except Exception:  # the traceback goes back to the parent
        queue.put((rank, False, traceback.format_exc()))
    finally:
        if dist.is_available() and dist.is_initialized():
            dist.destroy_process_group()


def run_processes(fn: Callable,
                  world_size: int = 2,
                  args: tuple = (),
                  timeout: float = 300) -> List[Any]:
    """Call ``fn(rank, world_size, *args)`` in ``world_size`` processes.

    The environment of each process carries the torchrun variables (RANK,
    WORLD_SIZE, MASTER_ADDR, MASTER_PORT) but no process group is created.

    Returns:
        list: ``(ok, result_or_traceback)`` per rank, in rank order.
    """
    ctx = mp.get_context('spawn')
    queue = ctx.Queue()
    port = free_port()
    procs = [
        ctx.Process(
            target=_entry, args=(r, world_size, port, fn, args, queue))
        for r in range(world_size)
    ]
    for p in procs:
        p.start()
    results = {}
    try:
        for _ in procs:
            rank, ok, value = queue.get(timeout=timeout)
            results[rank] = (ok, value)
    finally:
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.terminate()
    return [results[r] for r in range(world_size)]
