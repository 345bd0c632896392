# Copyright (c) mmavs contributors. All rights reserved.
"""Evaluate metrics in several gloo processes, the way mmengine's test loop
does, to check that distributed results equal single-process results."""
import math
import os
import os.path as osp
import tempfile
from typing import List, Sequence, Tuple

import torch.distributed as dist

from .dist import run_processes

#: One evaluation job: a metric config and the dataset as a list of clips,
#: each clip a list of frame data samples (dicts, as mmengine passes them).
MetricJob = Tuple[dict, List[List[dict]]]


def sampler_indices(size: int, rank: int, world_size: int) -> List[int]:
    """Dataset indices of a rank under mmengine's ``DefaultSampler``
    (``shuffle=False``): padded to a multiple of ``world_size`` with the
    first indices, then every ``world_size``-th index from ``rank``."""
    total = int(math.ceil(size / world_size)) * world_size
    indices = list(range(size))
    indices = (indices * int(math.ceil(total / max(size, 1))))[:total]
    return indices[rank:total:world_size]


def run_metric_jobs(jobs: Sequence[MetricJob], batch_size: int, rank: int,
                    world_size: int, collect_dir: str) -> List[dict]:
    """Feed every job's clips to a fresh metric in batches of
    ``batch_size`` clips and call ``metric.evaluate(len(clips))``.

    Args:
        jobs (Sequence[MetricJob]): Metric configs and their datasets.
        batch_size (int): Clips per ``process()`` call.
        rank (int): This process's rank.
        world_size (int): Number of processes.
        collect_dir (str): Temporary directory for 'cpu' collection.

    Returns:
        list[dict]: The metrics of each job (on every rank).
    """
    import mmavs  # noqa: F401  (installs the mmcv.ops fallback)
    import mmavs.evaluation  # noqa: F401
    from mmavs.registry import METRICS

    outputs = []
    for j, (cfg, clips) in enumerate(jobs):
        cfg = dict(cfg, collect_dir=osp.join(collect_dir, f'job{j}'))
        metric = METRICS.build(cfg)
        indices = sampler_indices(len(clips), rank, world_size)
        for start in range(0, len(indices), batch_size):
            batch = indices[start:start + batch_size]
            frames = [frame for i in batch for frame in clips[i]]
            metric.process(None, frames)
        outputs.append(metric.evaluate(len(clips)))
    return outputs


def _worker(rank: int, world_size: int, jobs: Sequence[MetricJob],
            batch_size: int, workdir: str) -> List[dict]:
    dist.init_process_group(
        'gloo',
        init_method=f"tcp://{os.environ['MASTER_ADDR']}:"
        f"{os.environ['MASTER_PORT']}",
        rank=rank,
        world_size=world_size)
    return run_metric_jobs(jobs, batch_size, rank, world_size,
                           osp.join(workdir, 'collect'))


def evaluate_metrics_distributed(jobs: Sequence[MetricJob],
                                 batch_size: int,
                                 world_size: int = 2) -> List[dict]:
    """Evaluate metrics in ``world_size`` spawned gloo processes.

    Each process sees the clips mmengine's ``DefaultSampler`` would give it
    (uneven datasets are padded, and the padding is dropped again by the
    metrics' ``collect_results``), and joins a gloo group on
    ``tcp://127.0.0.1:<free port>``. With ``world_size=1`` the jobs run in
    this process without a process group.

    Args:
        jobs (Sequence[MetricJob]): Metric configs and their datasets.
        batch_size (int): Clips per ``process()`` call on each rank.
        world_size (int): Number of processes. Defaults to 2.

    Returns:
        list[dict]: The metrics of each job, as rank 0 computed them.
    """
    with tempfile.TemporaryDirectory() as workdir:
        if world_size == 1:
            return run_metric_jobs(jobs, batch_size, 0, 1,
                                   osp.join(workdir, 'collect'))
        outcomes = run_processes(
            _worker, world_size, args=(list(jobs), batch_size, workdir))
    for rank, (ok, value) in enumerate(outcomes):
        if not ok:
            raise RuntimeError(f'rank {rank} failed:\n{value}')
        if value != outcomes[0][1]:
            raise RuntimeError(f'rank {rank} received metrics {value}, rank '
                               f'0 computed {outcomes[0][1]}')
    return outcomes[0][1]
