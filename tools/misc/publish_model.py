# Copyright (c) mmavs contributors. All rights reserved.
"""Prepare a checkpoint for release.

Keeps the model weights (``state_dict``) and ``meta`` (config, dataset
meta, versions), drops everything else a training checkpoint holds (the
optimizer, the parameter schedulers, the message hub), saves the result and renames it ``<out stem>-<first 8 hex digits of its
sha256>.pth``, as OpenMMLab's published checkpoints are named.

Example::

    python tools/misc/publish_model.py work_dirs/demo/iter_300.pth \\
        ravs_simpleconv_synthavs-ms3.pth
    # -> ravs_simpleconv_synthavs-ms3-1a2b3c4d.pth

The input is loaded with ``weights_only=True`` and mmavs's allow-list
(``mmavs.compat.checkpoint``); ``--unsafe-load`` unpickles a trusted file
fully.
"""
import argparse
import hashlib
import os
import os.path as osp

import torch

#: Top-level checkpoint keys kept in a published file.
KEEP_KEYS = ('state_dict', 'meta')


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Strip training state from a checkpoint and add a '
        'sha256 prefix to its name')
    parser.add_argument('in_file', help='input checkpoint')
    parser.add_argument('out_file', help='output checkpoint (.pth)')
    parser.add_argument(
        '--unsafe-load',
        action='store_true',
        help='load the input with weights_only=False (only for a file you '
        'trust: unpickling runs any code stored in it)')
    return parser.parse_args(argv)


def strip_checkpoint(checkpoint: dict) -> dict:
    """The publishable part of a checkpoint.

    Args:
        checkpoint (dict): A loaded mmengine checkpoint (or a bare state
            dict).

    Returns:
        dict: ``state_dict`` and ``meta`` (when present).
    """
    if 'state_dict' not in checkpoint:
        if all(isinstance(v, torch.Tensor) for v in checkpoint.values()):
            return dict(state_dict=checkpoint)
        raise KeyError("the checkpoint has no 'state_dict' (keys: "
                       f'{sorted(checkpoint)})')
    return {k: checkpoint[k] for k in KEEP_KEYS if k in checkpoint}


def sha256_prefix(path: str, length: int = 8) -> str:
    """First ``length`` hex digits of the file's sha256."""
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()[:length]


def publish(in_file: str, out_file: str, unsafe_load: bool = False) -> str:
    """Strip ``in_file``, save it, rename with the hash; return the path."""
    from mmavs.compat.checkpoint import (allow_unsafe_load,
                                         load_from_local_safe)
    if not osp.isfile(in_file):
        raise FileNotFoundError(f'checkpoint {in_file} does not exist')
    if not out_file.endswith('.pth'):
        raise ValueError(f'the output must end with .pth, got {out_file}')
    if unsafe_load:
        allow_unsafe_load(in_file)
    checkpoint = load_from_local_safe(in_file, map_location='cpu')
    torch.save(strip_checkpoint(checkpoint), out_file)
    final = f'{out_file[:-4]}-{sha256_prefix(out_file)}.pth'
    os.replace(out_file, final)
    return final


def main(argv=None) -> None:
    args = parse_args(argv)
    final = publish(args.in_file, args.out_file, args.unsafe_load)
    print(f'published {final}')


if __name__ == '__main__':
    main()
