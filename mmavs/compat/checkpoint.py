# Copyright (c) mmavs contributors. All rights reserved.
"""Load checkpoints with ``weights_only=True`` and an explicit allow-list.

Why: a checkpoint is a pickle, and unpickling can run any code the file
names (``os.system``, writing files ...). Configs travel between people and
name checkpoints (``load_from``, ``init_cfg=dict(type='Pretrained')``, a
work dir's ``last_checkpoint``), so no path that a config names may be
unpickled freely. Since torch 2.6 ``torch.load`` defaults to
``weights_only=True``, but mmengine 0.10.7 checkpoints also pickle the
message hub, which that default refuses ("Unsupported global:
...HistoryBuffer").

What: every checkpoint loaded through mmengine's ``CheckpointLoader`` (the
runner's ``load_from`` / resume, ``tools/test.py``, ``Pretrained`` init,
``mmengine.runner.load_checkpoint``) is read with ``weights_only=True`` and
the allow-list of :func:`checkpoint_safe_globals`, which holds exactly the
globals that mmengine checkpoints written by ``tools/train.py`` contain
besides tensors and builtin containers:

* ``mmengine.logging.history_buffer.HistoryBuffer`` (the message hub's
  scalars) and its four statistics methods, which protocol-2 pickles
  reference as ``getattr(HistoryBuffer, 'min')``; ``builtins.getattr`` is
  therefore mapped to :func:`history_buffer_getattr`, which resolves only
  those four names and refuses everything else (a free ``getattr`` would
  reach any attribute of any allowed object);
* the numpy globals of
  :func:`~mmavs.compat.numpy_globals.numpy_array_globals` (arrays, dtypes
  and scalars of the history buffers), under both their numpy 1.x
  (``numpy.core.multiarray``) and 2.x (``numpy._core.multiarray``) names.

Full unpickling (``weights_only=False``) happens only for a local file
registered with :func:`allow_unsafe_load`, which only
:class:`~mmavs.engine.runner.AVSRunner` calls, and only when the command line
of ``tools/train.py`` / ``tools/test.py`` carries ``--unsafe-load``: no config
key can turn it on. Each such load logs a warning naming the file.

Errors name the file: a missing file, a file that is not a readable
checkpoint (empty, truncated, not a torch file) and a file holding objects
outside the allow-list (:class:`UnsafeCheckpointError`) are told apart.
"""
import functools
import logging
import os.path as osp
import pickle
import threading
from typing import Callable, List, Set, Tuple

import torch
from mmengine.logging import print_log
from mmengine.runner.checkpoint import CheckpointLoader

from .numpy_globals import numpy_array_globals

#: (callable, the name pickles use for it) pairs for
#: ``torch.serialization.safe_globals``.
SafeGlobals = List[Tuple[Callable, str]]

_UNSAFE: Set[str] = set()

# Parts of torch's weights-only error messages that mean "a global outside
# the allow-list" (as opposed to a damaged file).
_DISALLOWED_MARKERS = ('Unsupported global', 'unrecognized function',
                       'Can only build', 'Can only create new object',
                       'is blocked', 'not allowed in a checkpoint')

#: The statistics methods a ``HistoryBuffer`` pickles.
HISTORY_BUFFER_METHODS = ('min', 'max', 'current', 'mean')


class UnreadableCheckpointError(ValueError):
    """A checkpoint file is empty, truncated or not a torch checkpoint."""


class UnsafeCheckpointError(pickle.UnpicklingError):
    """A checkpoint holds objects outside the allow-list."""


def history_buffer_getattr(obj, name: str):
    """``builtins.getattr`` as allowed inside a checkpoint.

    Protocol-2 pickles store a method such as ``HistoryBuffer.min`` as
    ``getattr(HistoryBuffer, 'min')``. This resolves exactly the statistics
    methods of :data:`HISTORY_BUFFER_METHODS` and nothing else.

    Raises:
        pickle.UnpicklingError: For any other object or attribute.
    """
    from mmengine.logging.history_buffer import HistoryBuffer
    if obj is HistoryBuffer and name in HISTORY_BUFFER_METHODS:
        return getattr(HistoryBuffer, name)
    raise pickle.UnpicklingError(
        f'getattr({obj!r}, {name!r}) is not allowed in a checkpoint (only '
        f'HistoryBuffer.{{{", ".join(HISTORY_BUFFER_METHODS)}}})')


def mmengine_safe_globals() -> SafeGlobals:
    """The mmengine globals of its checkpoints (the message hub).

    Returns:
        list[tuple[Callable, str]]: ``HistoryBuffer``, its statistics methods
        (under their protocol >= 4 names) and the restricted ``getattr`` that
        protocol-2 pickles use to reach them.
    """
    from mmengine.logging.history_buffer import HistoryBuffer
    module = HistoryBuffer.__module__
    pairs: SafeGlobals = [(HistoryBuffer, f'{module}.HistoryBuffer'),
                          (history_buffer_getattr, 'builtins.getattr')]
    for name in HISTORY_BUFFER_METHODS:
        pairs.append((getattr(HistoryBuffer,
                              name), f'{module}.HistoryBuffer.{name}'))
    return pairs


@functools.lru_cache(maxsize=1)
def _safe_globals() -> Tuple[Tuple[Callable, str], ...]:
    return tuple(mmengine_safe_globals() + numpy_array_globals())


def checkpoint_safe_globals() -> SafeGlobals:
    """The whole allow-list: :func:`mmengine_safe_globals` and
    :func:`~mmavs.compat.numpy_globals.numpy_array_globals`.

    Returns:
        list[tuple[Callable, str]]: Pairs for
        ``torch.serialization.safe_globals``.
    """
    return list(_safe_globals())


def _key(filename: str) -> str:
    return osp.realpath(osp.expanduser(filename))


def allow_unsafe_load(filename: str) -> None:
    """Allow full unpickling (``weights_only=False``) of one local file.

    Only :class:`~mmavs.engine.runner.AVSRunner` (for the checkpoint it
    loads or resumes) and ``tools/misc/publish_model.py`` (for its input)
    call this, and only when the command line carries ``--unsafe-load``.
    Loading the file then logs a warning naming it.

    Args:
        filename (str): Path of the checkpoint file.
    """
    _UNSAFE.add(_key(filename))


def unsafe_load_allowed(filename: str) -> bool:
    """Whether :func:`allow_unsafe_load` was called for ``filename``."""
    return _key(filename) in _UNSAFE


def _is_disallowed_global(err: BaseException) -> bool:
    return any(marker in str(err) for marker in _DISALLOWED_MARKERS)


_SAFE_GLOBALS_LOCK = threading.Lock()


def load_from_local_safe(filename: str, map_location=None):
    """Load a local checkpoint safely (the ``''`` scheme of mmengine).

    Args:
        filename (str): Local checkpoint file path.
        map_location (str, optional): Same as :func:`torch.load`.

    Returns:
        dict: The loaded checkpoint.

    Raises:
        FileNotFoundError: If the file does not exist.
        UnreadableCheckpointError: If it is empty or not a readable torch
            checkpoint.
        UnsafeCheckpointError: If it holds objects outside the allow-list.
    """
    path = osp.expanduser(filename)
    if not osp.isfile(path):
        raise FileNotFoundError(f'checkpoint file {filename} does not exist')
    if osp.getsize(path) == 0:
        raise UnreadableCheckpointError(
            f'{filename} is not a readable checkpoint: the file is empty '
            '(0 bytes)')
    if unsafe_load_allowed(path):
        print_log(
            f'--unsafe-load: unpickling {filename} with weights_only=False; '
            'this runs any code stored in the file. Use it only for files '
            'you trust.',
            logger='current',
            level=logging.WARNING)
        loader = functools.partial(torch.load, weights_only=False)
    else:
        loader = functools.partial(torch.load, weights_only=True)
    try:
        # torch's safe_globals edits one process-wide list and restores it on
        # exit, so concurrent loads in threads must not interleave
        with _SAFE_GLOBALS_LOCK, torch.serialization.safe_globals(
                checkpoint_safe_globals()):
            return loader(path, map_location=map_location)
    except pickle.UnpicklingError as err:
        if _is_disallowed_global(err):
            raise UnsafeCheckpointError(
                f'checkpoint {filename} holds objects outside the allow-list '
                'of mmavs (tensors, builtin containers, mmengine '
                'HistoryBuffer, numpy arrays/scalars); unpickling it could '
                f'run code stored in the file. Torch says: '
                f'{_torch_reason(err)}. If you trust the file, load it with '
                '--unsafe-load on the command line of tools/train.py or '
                'tools/test.py, or re-save its weights as a plain state '
                'dict.') from None
        raise UnreadableCheckpointError(
            f'{filename} is not a readable checkpoint (expected a file '
            f'written by torch.save): {_torch_reason(err)}') from None
    except (EOFError, RuntimeError, ValueError, OSError, KeyError,
            AttributeError, IndexError, TypeError) as err:
        raise UnreadableCheckpointError(
            f'{filename} is not a readable checkpoint (expected a file '
            f'written by torch.save): {_error_detail(err)}') from None


def _torch_reason(err: BaseException) -> str:
    """The specific part of torch's (long) weights-only error message."""
    text = str(err)
    marker = 'WeightsUnpickler error:'
    if marker in text:
        text = text.split(marker, 1)[1]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    reason = lines[0] if lines else type(err).__name__
    # drop torch's advice to allow-list the global
    return reason.split(' Please use `torch.serialization')[0].rstrip('.')


def _error_detail(err: BaseException) -> str:
    if isinstance(err, EOFError):
        return 'the file ends too early (truncated?)'
    return f'{type(err).__name__}: {_torch_reason(err)}'


def _under_allow_list(loader: Callable) -> Callable:
    """Run a remote-scheme loader of mmengine under the allow-list.

    mmengine's remote loaders (``http(s)://``, ``s3://``,
    ``open-mmlab://`` ...) call ``torch.load`` without ``weights_only``,
    i.e. with torch's safe default; the allow-list lets them read mmengine
    checkpoints. (Only the environment variable
    ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD``, set by the user outside any
    config, turns that default off; local files are loaded with an explicit
    ``weights_only=True``, which it does not override.)
    """
    if getattr(loader, '_mmavs_allow_listed', False):
        return loader

    @functools.wraps(loader)
    def wrapped(filename, map_location=None):
        with torch.serialization.safe_globals(checkpoint_safe_globals()):
            return loader(filename, map_location)

    wrapped._mmavs_allow_listed = True
    return wrapped


def install_checkpoint_loader() -> None:
    """Register :func:`load_from_local_safe` for local paths and put the
    remote loaders under the allow-list (idempotent)."""
    for prefix, loader in list(CheckpointLoader._schemes.items()):
        if prefix != '':
            CheckpointLoader.register_scheme(
                prefixes=prefix, loader=_under_allow_list(loader), force=True)
    CheckpointLoader.register_scheme(
        prefixes='', loader=load_from_local_safe, force=True)
