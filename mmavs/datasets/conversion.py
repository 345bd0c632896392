# Copyright (c) mmavs contributors. All rights reserved.
"""Resumable, parallel conversion of raw dataset files (one job per clip).

The dataset converters (``tools/dataset_converters/avsbench.py``,
``vpo.py``) describe each clip as a :class:`ConversionJob` and hand a
conversion function to :func:`run_conversion`, which

- skips a job whose *done marker* exists, records the same parameters and
  whose outputs all exist (a rerun resumes an interrupted run);
- runs the others in worker processes with a progress bar
  (``mmengine.utils.track_parallel_progress``);
- writes the done marker of a job only after the job returned, so a clip
  interrupted half-way has none and is converted again;
- catches the error of a failing job (missing or corrupt source file...),
  records it with its reason and goes on with the other jobs;
- writes a summary JSON (counts, failures with reasons, warnings) and
  prints it.

Conversion functions write each output under a temporary name and move it
into place (:func:`temp_path` / :func:`commit`), so a failed job leaves no
half-written output behind.
"""
import hashlib
import json
import os
import os.path as osp
import shutil
import sys
import time
import traceback
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence

__all__ = [
    'ConversionJob', 'ConversionResult', 'run_conversion', 'temp_path',
    'commit', 'discard', 'params_digest'
]


@dataclass
class ConversionJob:
    """One unit of conversion (usually one clip).

    Attributes:
        key (str): Unique, path-safe name of the job (``/`` separates
            folders of its done marker), e.g. ``'train/dog/abc123'``.
        clip_id (str): The clip (or file) as the dataset names it.
        split (str): Its split (``''`` when not split-specific).
        source (str): The raw file it reads (reported on failure).
        outputs (list[str]): Files / folders the job writes; a done job
            whose outputs are gone is converted again.
        params (dict): Everything the outputs depend on (JSON-able); a
            done marker with other parameters does not count.
        extra (dict): Job-specific inputs of the conversion function.
    """
    key: str
    clip_id: str
    split: str
    source: str
    outputs: List[str]
    params: dict
    extra: dict = field(default_factory=dict)


@dataclass
class ConversionResult:
    """What :func:`run_conversion` did."""
    total: int = 0
    converted: int = 0
    skipped: int = 0
    failed: List[dict] = field(default_factory=list)
    warnings: List[dict] = field(default_factory=list)
    summary_path: str = ''


def params_digest(params: dict) -> str:
    """A short hash of JSON-able parameters."""
    text = json.dumps(params, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def temp_path(path: str) -> str:
    """The temporary name an output is written under before
    :func:`commit` (same folder, so the final rename is atomic)."""
    folder, name = osp.split(path)
    os.makedirs(folder or '.', exist_ok=True)
    return osp.join(folder, f'.{name}.tmp-{os.getpid()}')


def commit(tmp: str, path: str) -> None:
    """Move a finished temporary output (file or folder) into place,
    replacing what was there."""
    if osp.isdir(path) and not osp.islink(path):
        shutil.rmtree(path)
    os.replace(tmp, path)


def discard(tmp: str) -> None:
    """Remove a temporary output (after a failure)."""
    if osp.isdir(tmp) and not osp.islink(tmp):
        shutil.rmtree(tmp, ignore_errors=True)
    elif osp.lexists(tmp):
        os.remove(tmp)


def _marker(state_dir: str, job: ConversionJob) -> str:
    return osp.join(state_dir, job.key + '.done.json')


def _is_done(state_dir: str, job: ConversionJob) -> bool:
    path = _marker(state_dir, job)
    if not osp.isfile(path):
        return False
    try:
        with open(path) as f:
            record = json.load(f)
    except (OSError, ValueError):
        return False
    return (record.get('params_digest') == params_digest(job.params)
            and all(osp.exists(p) for p in job.outputs))


_WORKER: Dict[str, object] = {}


def _run_job(job: ConversionJob) -> dict:
    """Run one job in a worker; never raises."""
    func = _WORKER['func']
    state_dir = _WORKER['state_dir']
    start = time.time()
    try:
        notes = func(job) or []
    except Exception as err:  # a bad clip must not stop the others
        return dict(
            status='failed',
            key=job.key,
            clip=job.clip_id,
            split=job.split,
            source=job.source,
            error_type=type(err).__name__,
            reason=str(err),
            traceback=traceback.format_exc(limit=3))
    marker = _marker(state_dir, job)
    os.makedirs(osp.dirname(marker), exist_ok=True)
    tmp = temp_path(marker)
    with open(tmp, 'w') as f:
        json.dump(
            dict(
                clip=job.clip_id,
                split=job.split,
                source=job.source,
                outputs=job.outputs,
                params=job.params,
                params_digest=params_digest(job.params),
                warnings=list(notes),
                seconds=round(time.time() - start, 3)),
            f,
            indent=1)
    os.replace(tmp, marker)  # the marker is the last thing written
    return dict(
        status='converted',
        key=job.key,
        clip=job.clip_id,
        split=job.split,
        warnings=list(notes))


def run_conversion(jobs: Sequence[ConversionJob],
                   func: Callable[[ConversionJob], Optional[List[str]]],
                   state_dir: str,
                   summary_path: str,
                   task: str,
                   num_workers: int = 0,
                   params: Optional[dict] = None,
                   progress: bool = True) -> ConversionResult:
    """Run the jobs not done yet; record failures; write a summary.

    Args:
        jobs (Sequence[ConversionJob]): All jobs of the dataset (done ones
            included: they are counted as skipped).
        func (callable): ``func(job) -> list[str] | None`` converts one job
            (returning warnings, e.g. "video shorter than the clip") or
            raises an exception whose message says what is wrong. It must
            be picklable (a module-level function) for ``num_workers > 0``.
        state_dir (str): Folder of the done markers.
        summary_path (str): The summary JSON to write.
        task (str): Name of the conversion (in the summary).
        num_workers (int): Worker processes; 0 runs in this process.
        params (dict, optional): Run-level parameters for the summary.
        progress (bool): Show a progress bar. Defaults to True.

    Returns:
        ConversionResult: Counts, failures and warnings.
    """
    from mmengine.utils import track_parallel_progress, track_progress
    start = time.time()
    keys = [job.key for job in jobs]
    if len(set(keys)) != len(keys):
        dup = sorted({k for k in keys if keys.count(k) > 1})[:5]
        raise ValueError(f'{task}: duplicate job keys {dup}')
    todo = [job for job in jobs if not _is_done(state_dir, job)]
    result = ConversionResult(total=len(jobs), skipped=len(jobs) - len(todo))
    print(f'[{task}] {len(jobs)} job(s): {result.skipped} already done, '
          f'{len(todo)} to convert with {num_workers} worker(s)')
    _WORKER.update(func=func, state_dir=state_dir)
    try:
        if not todo:
            outcomes = []
        elif num_workers > 0:
            outcomes = track_parallel_progress(
                _run_job,
                todo,
                nproc=num_workers,
                file=sys.stdout if progress else open(os.devnull, 'w'))
        elif progress:
            outcomes = track_progress(_run_job, todo, file=sys.stdout)
        else:
            outcomes = [_run_job(job) for job in todo]
    finally:
        _WORKER.clear()
    if todo and progress:
        print()
    for out in outcomes:
        if out['status'] == 'failed':
            result.failed.append({k: v for k, v in out.items()
                                  if k != 'status'})
        else:
            result.converted += 1
        result.warnings += [
            dict(clip=out['clip'], split=out['split'], message=w)
            for w in out.get('warnings', [])
        ]
    summary = dict(
        task=task,
        params=params or {},
        seconds=round(time.time() - start, 2),
        num_workers=num_workers,
        counts=dict(
            total=result.total,
            converted=result.converted,
            skipped_already_done=result.skipped,
            failed=len(result.failed)),
        failed=result.failed,
        warnings=result.warnings,
        note=('failed clips keep their rows in the annotation CSV; their '
              'outputs are missing (tools/misc/check_dataset.py reports '
              'them). Rerun the same command to retry them.'))
    os.makedirs(osp.dirname(summary_path) or '.', exist_ok=True)
    with open(summary_path, 'w') as f:
        json.dump(summary, f, indent=1)
    result.summary_path = summary_path
    print(f'[{task}] converted {result.converted}, skipped (already done) '
          f'{result.skipped}, failed {len(result.failed)}, warnings '
          f'{len(result.warnings)}; summary: {summary_path}')
    for fail in result.failed[:20]:
        print(f'  FAILED {fail["clip"]} ({fail["source"]}): '
              f'{fail["error_type"]}: {fail["reason"]}')
    if len(result.failed) > 20:
        print(f'  ... and {len(result.failed) - 20} more (see the summary)')
    return result

