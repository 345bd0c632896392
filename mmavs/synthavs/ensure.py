# Copyright (c) mmavs contributors. All rights reserved.
"""Make sure a current SynthAVS tree exists (idempotent, concurrency-safe).
"""
import contextlib
import fcntl
import os
import os.path as osp
import shutil
import sys
import tempfile
import time
from typing import Optional

from .params import SynthAVSParams
from .stamp import tree_is_current
from .writer import generate_synthavs

__all__ = ['default_synthavs_root', 'ensure_synthavs', 'file_lock']


def default_synthavs_root() -> str:
    """``data/synthavs`` below the mmavs checkout (the configs' path)."""
    from mmavs.utils.paths import repo_root
    return osp.join(repo_root(), 'data', 'synthavs')


@contextlib.contextmanager
def file_lock(path: str):
    """An exclusive ``flock`` on ``path`` (created if missing)."""
    with open(path, 'a') as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def ensure_synthavs(root: Optional[str] = None,
                    params: Optional[SynthAVSParams] = None,
                    num_workers: int = 0,
                    progress: bool = True,
                    **kwargs) -> str:
    """Generate SynthAVS into ``root`` unless it is there with these params.

    The tree is generated into a temporary sibling folder and renamed into
    place, under an exclusive lock (``root + '.lock'``), so concurrent
    callers generate it once. The stamp (:mod:`mmavs.synthavs.stamp`)
    records the parameters: a tree made with other parameters (or another
    generator version, or other recordings) is regenerated. With
    ``progress``, a current tree is reported as reused, with the seconds
    the check took.

    Args:
        root (str, optional): Target folder. Defaults to
            :func:`default_synthavs_root` (``<repo>/data/synthavs``).
        params (SynthAVSParams, optional): The parameters, or give them as
            keyword arguments.
        num_workers (int): Worker processes of the generation.
        progress (bool): Print progress and the reuse message.
        **kwargs: :class:`~mmavs.synthavs.params.SynthAVSParams` fields.

    Returns:
        str: ``root``.
    """
    t0 = time.time()
    root = osp.abspath(root or default_synthavs_root())
    if params is None:
        params = SynthAVSParams.from_kwargs('ensure_synthavs', **kwargs)
    elif kwargs:
        raise TypeError('ensure_synthavs takes params or keyword arguments '
                        'for them, not both')

    def reused() -> str:
        if progress:
            print(f'[synthavs] {root} is up to date (same parameters); '
                  f'reused it in {time.time() - t0:.2f} s')
            sys.stdout.flush()
        return root

    if tree_is_current(root, params):
        return reused()
    parent = osp.dirname(root)
    os.makedirs(parent, exist_ok=True)
    with file_lock(root + '.lock'):
        if tree_is_current(root, params):  # made while we waited
            return reused()
        tmp = tempfile.mkdtemp(prefix=osp.basename(root) + '.tmp-', dir=parent)
        try:
            generate_synthavs(
                tmp, params, num_workers=num_workers, progress=progress)
            old = None
            if osp.exists(root):
                old = tempfile.mkdtemp(
                    prefix=osp.basename(root) + '.old-', dir=parent)
                os.rename(root, osp.join(old, 'tree'))
            os.rename(tmp, root)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        finally:
            if osp.exists(tmp):
                shutil.rmtree(tmp, ignore_errors=True)
    return root
