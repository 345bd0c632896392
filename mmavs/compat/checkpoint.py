# Copyright (c) mmavs contributors. All rights reserved.
"""Load mmengine checkpoints under torch's ``weights_only=True`` default.

Why: since torch 2.6 ``torch.load`` defaults to ``weights_only=True``.
mmengine 0.10.7 checkpoints pickle the message hub (``HistoryBuffer``, numpy
arrays), so ``--resume``, ``load_from`` and ``tools/test.py CKPT`` fail with
"Unsupported global: ...HistoryBuffer".

What: the local-file loader of mmengine's ``CheckpointLoader`` is replaced by
one that calls ``torch.load(..., weights_only=False)`` **only** for files
that were explicitly trusted with :func:`trust_checkpoint`; every other file
is loaded with torch's safe default. mmavs trusts exactly the files a user
names: the checkpoint argument of ``tools/test.py``, ``load_from`` and
``resume_from`` of a config, and the latest checkpoint of the user's own
``work_dir`` when ``--resume`` is given without a path (see
:class:`mmavs.engine.runner.AVSRunner`).
"""
import os.path as osp
from typing import Set

import torch
from mmengine.runner.checkpoint import CheckpointLoader

_TRUSTED: Set[str] = set()


def _key(filename: str) -> str:
    return osp.realpath(osp.expanduser(filename))


def trust_checkpoint(filename: str) -> None:
    """Allow full unpickling of one local checkpoint file the user named.

    Args:
        filename (str): Path of the checkpoint file.
    """
    _TRUSTED.add(_key(filename))


def is_trusted(filename: str) -> bool:
    """Whether :func:`trust_checkpoint` was called for ``filename``."""
    return _key(filename) in _TRUSTED


def load_local_checkpoint(filename: str, map_location=None):
    """mmengine's local loader, with ``weights_only=False`` for trusted files.

    Args:
        filename (str): Local checkpoint file path.
        map_location (str, optional): Same as :func:`torch.load`.

    Returns:
        dict: The loaded checkpoint.
    """
    path = osp.expanduser(filename)
    if not osp.isfile(path):
        raise FileNotFoundError(f'checkpoint file {filename} does not exist')
    if is_trusted(path):
        return torch.load(path, map_location=map_location, weights_only=False)
    return torch.load(path, map_location=map_location)


def install_checkpoint_loader() -> None:
    """Register :func:`load_local_checkpoint` for local paths (idempotent)."""
    CheckpointLoader.register_scheme(
        prefixes='', loader=load_local_checkpoint, force=True)
