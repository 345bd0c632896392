# Copyright (c) mmavs contributors. All rights reserved.
"""Reproducible weights for a list of parameter names and shapes.

Golden-file parity tests build an official model's state dict from a
committed key list, with values that depend only on each key's name and
shape (numpy's PCG64 seeded by the CRC-32 of the name), so the script that
made the golden outputs from the official code and the test that checks
mmavs against them use the same weights without storing them.
"""
import zlib
from typing import Dict, List, Sequence, Tuple

import numpy as np
import torch

KeyShapes = List[Tuple[str, Tuple[int, ...], str]]


def read_key_list(path: str) -> KeyShapes:
    """Read ``key<TAB>shape<TAB>dtype`` lines (shape ``64x3x7x7``, ``-`` for
    a scalar).

    Args:
        path (str): The key list file.

    Returns:
        list[tuple[str, tuple[int], str]]: (key, shape, dtype) per line.
    """
    rows = []
    with open(path) as f:
        for num, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if not line or line.startswith('#'):
                continue
            parts = line.split('\t')
            if len(parts) != 3:
                raise ValueError(f'{path}:{num}: expected key<TAB>shape<TAB>'
                                 f'dtype, got {line!r}')
            key, shape, dtype = parts
            dims = () if shape == '-' else tuple(
                int(d) for d in shape.split('x'))
            rows.append((key, dims, dtype))
    return rows


def format_key_list(state_dict: Dict[str, torch.Tensor]) -> str:
    """The key list of a state dict (inverse of :func:`read_key_list`)."""
    lines = []
    for key, value in state_dict.items():
        shape = 'x'.join(str(d) for d in value.shape) or '-'
        lines.append(f'{key}\t{shape}\t{str(value.dtype).split(".")[-1]}')
    return '\n'.join(lines) + '\n'


def deterministic_tensor(key: str, shape: Sequence[int],
                         dtype: str = 'float32') -> torch.Tensor:
    """A tensor that depends only on ``key``, ``shape`` and ``dtype``.

    Integer tensors (BN ``num_batches_tracked``) are zeros; otherwise, with
    ``u`` uniform in [-1, 1): BN ``running_var`` is ``1 + 0.5 u``,
    ``running_mean`` ``0.1 u``, other 1-D ``weight`` s (norm scales)
    ``1 + 0.1 u``, 1-D biases ``0.1 u``, and tensors of two or more
    dimensions ``u sqrt(3 / fan_in)`` (fan_in = product of all but the
    first dimension: unit variance is kept through linear layers).

    Args:
        key (str): Parameter name.
        shape (Sequence[int]): Shape.
        dtype (str): torch dtype name. Defaults to 'float32'.

    Returns:
        Tensor: The tensor.
    """
    torch_dtype = getattr(torch, dtype)
    if not torch_dtype.is_floating_point:
        return torch.zeros(tuple(shape), dtype=torch_dtype)
    rng = np.random.default_rng(zlib.crc32(key.encode()))
    u = rng.random(tuple(shape), dtype=np.float32) * 2 - 1
    if key.endswith('running_var'):
        value = 1 + 0.5 * u
    elif key.endswith('running_mean'):
        value = 0.1 * u
    elif len(shape) <= 1:
        value = 1 + 0.1 * u if key.endswith('weight') else 0.1 * u
    else:
        value = u * np.float32(np.sqrt(3.0 / np.prod(shape[1:])))
    return torch.from_numpy(value).to(torch_dtype)


def deterministic_state_dict(rows: KeyShapes) -> Dict[str, torch.Tensor]:
    """:func:`deterministic_tensor` for every row of a key list."""
    return {
        key: deterministic_tensor(key, shape, dtype)
        for key, shape, dtype in rows
    }
