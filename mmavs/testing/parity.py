# Copyright (c) mmavs contributors. All rights reserved.
"""Deterministic stand-ins for official checkpoints (parity tests).

An official model's parameters are described by a *key list*: one line per
state-dict entry, ``key dtype shape`` (``shape`` is ``d0,d1,...`` or ``-``
for a 0-d tensor; lines starting with ``#`` are comments). The lists under
``tests/data/parity`` were written once from the official model definitions
by ``tools/model_converters/official_parity.py``.

:func:`seeded_state_dict` turns a key list into a state dict whose every
tensor is drawn from a generator seeded with the CRC-32 of its key, so a test
can rebuild the weights of the official model exactly, without the official
code: the same key always gets the same values, and different keys get
different values.
"""
import math
import zlib
from collections import OrderedDict
from typing import Dict, Iterable, List, Tuple

import torch

KeySpec = Tuple[str, torch.dtype, Tuple[int, ...]]

_DTYPES = {
    'float32': torch.float32,
    'float64': torch.float64,
    'int64': torch.int64,
    'bool': torch.bool,
}


def write_key_list(path: str, state_dict: Dict[str, torch.Tensor],
                   header: Iterable[str] = ()) -> None:
    """Write the key list of ``state_dict`` (see the module docstring).

    Args:
        path (str): Output text file.
        state_dict (dict): Tensors to describe.
        header (Iterable[str]): Comment lines written first.
    """
    names = {v: k for k, v in _DTYPES.items()}
    with open(path, 'w') as f:
        for line in header:
            f.write(f'# {line}\n')
        for key, value in state_dict.items():
            if value.dtype not in names:
                raise TypeError(f'{key}: dtype {value.dtype} is not one of '
                                f'{sorted(_DTYPES)}')
            shape = ','.join(str(d) for d in value.shape) or '-'
            f.write(f'{key} {names[value.dtype]} {shape}\n')


def read_key_list(path: str) -> List[KeySpec]:
    """Read a key list.

    Args:
        path (str): Text file written by :func:`write_key_list`.

    Returns:
        list[tuple]: ``(key, dtype, shape)`` in file order.
    """
    specs = []
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            parts = line.split()
            if len(parts) != 3 or parts[1] not in _DTYPES:
                raise ValueError(f'{path}:{lineno}: expected "key dtype '
                                 f'shape", got {line!r}')
            shape = () if parts[2] == '-' else tuple(
                int(d) for d in parts[2].split(','))
            specs.append((parts[0], _DTYPES[parts[1]], shape))
    return specs


def seeded_tensor(key: str, dtype: torch.dtype,
                  shape: Tuple[int, ...]) -> torch.Tensor:
    """The tensor of ``key``, drawn from a generator seeded by its CRC-32.

    Scales keep a random network's activations moderate: weights of rank
    >= 2 ~ N(0, 1 / fan_in); 1-D ``weight`` (norm layers) ~ 1 + N(0, 0.1^2);
    other 1-D / 0-d tensors ~ N(0, 0.05^2); ``running_var`` ~ U(0.5, 1.5);
    ``running_mean`` ~ N(0, 0.1^2); integer tensors (``num_batches_tracked``)
    are 0.

    Args:
        key (str): State-dict key.
        dtype (torch.dtype): Tensor dtype.
        shape (tuple[int]): Tensor shape.

    Returns:
        Tensor: The tensor.
    """
    if not dtype.is_floating_point:
        return torch.zeros(shape, dtype=dtype)
    g = torch.Generator().manual_seed(zlib.crc32(key.encode()))
    name = key.rsplit('.', 1)[-1]
    if name == 'running_var':
        out = torch.rand(shape, generator=g).add_(0.5)
    elif name == 'running_mean':
        out = torch.randn(shape, generator=g).mul_(0.1)
    elif len(shape) >= 2:
        fan_in = math.prod(shape[1:])
        out = torch.randn(shape, generator=g).mul_(1 / math.sqrt(fan_in))
    elif name == 'weight':
        out = torch.randn(shape, generator=g).mul_(0.1).add_(1)
    else:
        out = torch.randn(shape, generator=g).mul_(0.05)
    return out.to(dtype)


def seeded_state_dict(specs: Iterable[KeySpec],
                      prefix: str = '') -> 'OrderedDict[str, torch.Tensor]':
    """Rebuild a deterministic state dict from a key list.

    Args:
        specs (Iterable[tuple]): ``(key, dtype, shape)`` as returned by
            :func:`read_key_list`.
        prefix (str): Prefix added to every key (the values are seeded by
            the key without it).

    Returns:
        OrderedDict: ``{prefix + key: tensor}``.
    """
    return OrderedDict((prefix + key, seeded_tensor(key, dtype, shape))
                       for key, dtype, shape in specs)


def distinct_state_dict(specs: Iterable[KeySpec],
                        prefix: str = '',
                        offset: int = 0) -> Dict[str, torch.Tensor]:
    """A state dict whose i-th tensor holds the value ``offset + i + 1``.

    Every tensor gets its own value, so a converter that puts a tensor at
    another key of the same shape is caught. The tensors are expanded
    scalars: no memory for the full shapes.

    Args:
        specs (Iterable[tuple]): ``(key, dtype, shape)``.
        prefix (str): Prefix added to every key.
        offset (int): Added to every value.

    Returns:
        dict: ``{prefix + key: tensor}``.
    """
    return {
        prefix + key: torch.tensor(offset + i + 1, dtype=dtype).expand(shape)
        for i, (key, dtype, shape) in enumerate(specs)
    }


def seeded_input(name: str, shape: Tuple[int, ...]) -> torch.Tensor:
    """A float32 N(0, 1) input seeded by the CRC-32 of ``name``."""
    g = torch.Generator().manual_seed(zlib.crc32(name.encode()))
    return torch.randn(shape, generator=g)


#: Parts of CLAP's HTS-AT state dict that are computed, not learnt
#: (torchlibrosa's STFT / mel kernels, Swin attention masks and relative
#: position indices, BN counters): parity files keep their computed values.
CLAP_COMPUTED_KEYS = ('spectrogram_extractor.', 'logmel_extractor.',
                      'attn_mask', 'relative_position_index',
                      'num_batches_tracked')


def is_clap_computed(key: str) -> bool:
    """Whether ``key`` of a CLAP state dict is computed, not learnt."""
    return any(part in key for part in CLAP_COMPUTED_KEYS)


def save_clap_trainer_checkpoint(path: str,
                                 state_dict: Dict[str, torch.Tensor],
                                 trainable: Iterable[str],
                                 epoch: int = 45,
                                 name: str = 'clap-random-weights') -> None:
    """Save a CLAP state dict as laion-clap's trainer saves checkpoints.

    laion-clap's ``training/main.py`` (which wrote the public
    ``630k-audioset-best.pt`` and its siblings) saves
    ``{'epoch', 'name', 'state_dict', 'optimizer'}``: the DDP model's state
    dict (keys ``module.*``) and the state of an AdamW over two parameter
    groups (no weight decay for gains, biases and ``logit_scale``), whose
    learning rate its ``cosine_lr`` schedule sets to a ``numpy.float64``.
    This writes the same structure: one AdamW step with ``lr=0`` creates the
    optimizer state of every trainable tensor without changing the weights,
    then the learning rate becomes a numpy scalar.

    Args:
        path (str): Output file.
        state_dict (dict): ``module.``-prefixed CLAP state dict (saved as
            is).
        trainable (Iterable[str]): Keys of ``state_dict`` the optimizer
            holds (laion-clap optimises the parameters with
            ``requires_grad``).
        epoch (int): Saved epoch.
        name (str): Saved run name.
    """
    import numpy as np
    params = [(k, torch.nn.Parameter(state_dict[k].detach().clone()))
              for k in trainable]

    def no_decay(key: str, p: torch.Tensor) -> bool:
        return p.ndim < 2 or any(s in key for s in ('bn', 'ln', 'bias',
                                                    'logit_scale'))

    optimizer = torch.optim.AdamW([
        dict(params=[p for k, p in params if no_decay(k, p)],
             weight_decay=0.0),
        dict(
            params=[p for k, p in params if not no_decay(k, p)],
            weight_decay=0.2)
    ],
                                  lr=0.0,
                                  betas=(0.9, 0.999),
                                  eps=1e-8)
    for _, p in params:
        p.grad = torch.full_like(p, 1e-3)
    optimizer.step()
    step, warmup, total = 1200, 100, 10000  # laion-clap's cosine_lr
    lr = 0.5 * (1 + np.cos(np.pi * (step - warmup) /
                           (total - warmup))) * 1e-4
    for group in optimizer.param_groups:
        group['lr'] = lr
    torch.save(
        dict(
            epoch=epoch,
            name=name,
            state_dict=state_dict,
            optimizer=optimizer.state_dict()), path)
