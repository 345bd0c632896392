# Copyright (c) mmavs contributors. All rights reserved.
"""Load a checkpoint into a model, refusing one that does not fit it.

:func:`load_model_checkpoint` (a file) and :func:`load_state_dict_checked`
(an already loaded checkpoint dict) compare the checkpoint's keys and shapes
with the model's ``state_dict`` before copying anything. By default they
refuse a checkpoint that leaves a parameter or buffer of the model
unloaded, carries keys the model does not have, or holds a tensor of another
shape: testing or running a model with such a checkpoint scores a partly
random model. ``allow_partial=True`` loads what fits and logs what did not.
:class:`~mmavs.engine.runner.AVSRunner` (``tools/test.py``, ``load_from``,
resume) calls them with ``allow_partial=cfg.allow_partial_checkpoint``.
"""
import logging
import re
from collections import OrderedDict
from typing import Dict, List, Mapping, Sequence, Tuple, Union

import torch
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from torch import nn

#: Keys listed in an error before the rest is only counted.
MAX_LISTED_KEYS = 5
DEFAULT_REVISE_KEYS = ((r'^module\.', ''), )


class CheckpointMismatchError(RuntimeError):
    """A checkpoint does not fit the model it is loaded into."""


def _listing(keys: Sequence[str], limit: int = MAX_LISTED_KEYS) -> str:
    shown = ', '.join(keys[:limit])
    rest = len(keys) - limit
    return shown + (f' and {rest} more' if rest > 0 else '')


def checkpoint_state_dict(
    checkpoint: Mapping,
    revise_keys: Sequence[Tuple[str, str]] = DEFAULT_REVISE_KEYS
) -> 'OrderedDict[str, torch.Tensor]':
    """The weights of a checkpoint dict, with its keys revised.

    Args:
        checkpoint (Mapping): A loaded checkpoint: an mmengine checkpoint
            (weights under ``'state_dict'``) or a bare state dict.
        revise_keys (Sequence[tuple[str, str]]): ``(pattern, replacement)``
            regular expressions applied to every key. Defaults to stripping
            the ``module.`` prefix of DDP-wrapped models.

    Returns:
        OrderedDict[str, Tensor]: The weights.
    """
    state_dict = checkpoint.get('state_dict', checkpoint)
    out = OrderedDict()
    for key, value in state_dict.items():
        if key == '_metadata':
            continue
        for pattern, replacement in revise_keys:
            key = re.sub(pattern, replacement, key)
        out[key] = value
    return out


def compare_state_dicts(
        model_state: Mapping[str, torch.Tensor],
        ckpt_state: Mapping[str, torch.Tensor]) -> Dict[str, List[str]]:
    """What a checkpoint leaves unloaded, brings in excess, or misshapes.

    Args:
        model_state (Mapping): The model's ``state_dict()``.
        ckpt_state (Mapping): The checkpoint's weights.

    Returns:
        dict: ``missing`` (model keys not in the checkpoint), ``unexpected``
        (checkpoint keys not in the model) and ``mismatched`` (keys in
        both, as ``'key: checkpoint shape vs model shape'``), each in the
        model's / checkpoint's key order.
    """
    missing = [k for k in model_state if k not in ckpt_state]
    unexpected = [k for k in ckpt_state if k not in model_state]
    mismatched = []
    for key, value in ckpt_state.items():
        if key in model_state and hasattr(value, 'shape') and \
                tuple(value.shape) != tuple(model_state[key].shape):
            mismatched.append(f'{key}: checkpoint {tuple(value.shape)} vs '
                              f'model {tuple(model_state[key].shape)}')
    return dict(missing=missing, unexpected=unexpected, mismatched=mismatched)


def load_state_dict_checked(
        model: nn.Module,
        checkpoint: Mapping,
        source: str,
        allow_partial: bool = False,
        revise_keys: Sequence[Tuple[str, str]] = DEFAULT_REVISE_KEYS,
        logger: Union[str, logging.Logger] = 'current') -> Dict[str, List]:
    """Copy a loaded checkpoint into ``model`` after checking that it fits.

    Args:
        model (nn.Module): The model (a DDP wrapper is unwrapped).
        checkpoint (Mapping): The loaded checkpoint dict.
        source (str): Where it came from (the file), for messages.
        allow_partial (bool): Load what fits and log the rest instead of
            raising. Defaults to False.
        revise_keys (Sequence[tuple[str, str]]): See
            :func:`checkpoint_state_dict`.
        logger (str | Logger): Where the partial-load report goes.

    Returns:
        dict: The comparison of :func:`compare_state_dicts` (all lists empty
        for a full load).

    Raises:
        CheckpointMismatchError: If the checkpoint does not fit and
            ``allow_partial`` is False. The message lists the first
            :data:`MAX_LISTED_KEYS` keys of each kind and counts the rest.
    """
    if is_model_wrapper(model):
        model = model.module
    state = checkpoint_state_dict(checkpoint, revise_keys)
    report = compare_state_dicts(model.state_dict(), state)
    problems = []
    if report['missing']:
        problems.append(f'{len(report["missing"])} parameter(s)/buffer(s) '
                        'of the model are not in the checkpoint: '
                        f'{_listing(report["missing"])}')
    if report['unexpected']:
        problems.append(f'{len(report["unexpected"])} key(s) of the '
                        'checkpoint are not in the model: '
                        f'{_listing(report["unexpected"])}')
    if report['mismatched']:
        problems.append(f'{len(report["mismatched"])} tensor(s) have another '
                        f'shape: {_listing(report["mismatched"])}')
    if problems and not allow_partial:
        raise CheckpointMismatchError(
            f'checkpoint {source} does not fit the model '
            f'{type(model).__name__}: ' + '; '.join(problems) +
            '. Is it a checkpoint of this config? To load what fits and '
            'leave the rest as initialised, allow a partial load '
            '(tools: --cfg-options allow_partial_checkpoint=True).')
    if problems:
        print_log(
            f'allow_partial_checkpoint=True: loading checkpoint {source} '
            'partially; ' + '; '.join(problems) + '. Those parameters keep '
            'their initial values.',
            logger=logger,
            level=logging.WARNING)
    skip = {m.split(':', 1)[0] for m in report['mismatched']}
    model.load_state_dict(
        OrderedDict((k, v) for k, v in state.items() if k not in skip),
        strict=not problems)
    return report


def load_model_checkpoint(
        model: nn.Module,
        filename: str,
        map_location: Union[str, torch.device, None] = 'cpu',
        allow_partial: bool = False,
        revise_keys: Sequence[Tuple[str, str]] = DEFAULT_REVISE_KEYS,
        logger: Union[str, logging.Logger] = 'current') -> dict:
    """Load a checkpoint file into ``model``, refusing one that does not fit.

    The file is read by mmengine's ``CheckpointLoader`` (local paths with
    ``weights_only=True`` and the allow-list of
    :mod:`mmavs.compat.checkpoint`), then checked and copied by
    :func:`load_state_dict_checked`. Use it wherever a model is built for
    testing or inference.

    Args:
        model (nn.Module): The model.
        filename (str): Checkpoint path or URL.
        map_location (str | torch.device, optional): Same as
            :func:`torch.load`. Defaults to 'cpu'.
        allow_partial (bool): Load what fits and log the rest instead of
            raising. Defaults to False.
        revise_keys (Sequence[tuple[str, str]]): See
            :func:`checkpoint_state_dict`.
        logger (str | Logger): Where the partial-load report goes.

    Returns:
        dict: The loaded checkpoint.

    Raises:
        FileNotFoundError: If the file does not exist.
        mmavs.compat.UnreadableCheckpointError: If it is not a readable
            checkpoint.
        mmavs.compat.UnsafeCheckpointError: If it holds objects outside the
            allow-list.
        CheckpointMismatchError: If it does not fit the model.
    """
    from mmengine.runner.checkpoint import _load_checkpoint
    checkpoint = _load_checkpoint(filename, map_location=map_location)
    if not isinstance(checkpoint, Mapping):
        raise CheckpointMismatchError(
            f'checkpoint {filename} holds a {type(checkpoint).__name__}, '
            'expected a dict of weights (a state dict, or a dict with '
            '"state_dict")')
    load_state_dict_checked(
        model,
        checkpoint,
        filename,
        allow_partial=allow_partial,
        revise_keys=revise_keys,
        logger=logger)
    return checkpoint
