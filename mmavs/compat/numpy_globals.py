# Copyright (c) mmavs contributors. All rights reserved.
"""The numpy globals that a weights-only checkpoint load may allow.

Why: checkpoints often hold numpy values. Training scripts leave numpy
*scalars* in them (laion-clap's ``cosine_lr`` writes a ``numpy.float64``
learning rate into the optimizer state of the public CLAP checkpoints), and
mmengine's message hub keeps its history as numpy *arrays*. Pickle stores a
scalar as ``numpy.core.multiarray.scalar(numpy.dtype('f8'), raw_bytes)`` and
an array through ``numpy.core.multiarray._reconstruct``; torch's
``weights_only=True`` loader refuses both ("Unsupported global: GLOBAL
numpy.core.multiarray.scalar").

What: two explicit allow-lists, for ``torch.serialization.safe_globals``
around one ``torch.load(..., weights_only=True)``:

* :func:`numpy_scalar_globals` – the scalar reconstructor, ``numpy.dtype``
  and the numeric/boolean dtype classes;
* :func:`numpy_array_globals` – the above plus the array reconstructor and
  ``numpy.ndarray``.

Each reconstructor is listed under the names numpy 1.x
(``numpy.core.multiarray``) and numpy 2.x (``numpy._core.multiarray``)
write, so a file written with either numpy loads with the installed one.
Only numeric and boolean dtypes are listed (no object, string or datetime
dtypes), so no entry can rebuild an arbitrary Python object; constructing
a scalar, a dtype or a numeric array runs no user code.
"""
import importlib
from typing import Any, List, Tuple

import numpy as np

SafeGlobals = List[Tuple[Any, str]]

_MODULES = ('numpy.core.multiarray', 'numpy._core.multiarray')


def _multiarray():
    """numpy's ``multiarray`` module without numpy 2's deprecation warning."""
    try:
        return importlib.import_module('numpy._core.multiarray')
    except ImportError:  # pragma: no cover - numpy < 1.26
        return importlib.import_module('numpy.core.multiarray')


def _numeric_dtype_classes() -> SafeGlobals:
    """The dtype classes of the boolean, integer and float dtypes."""
    pairs: SafeGlobals = []
    for code in '?' + np.typecodes['AllInteger'] + np.typecodes['AllFloat']:
        cls = type(np.dtype(code))
        pairs.append((cls, f'{cls.__module__}.{cls.__qualname__}'))
    return pairs


def numpy_scalar_globals() -> SafeGlobals:
    """The numpy scalar and numeric dtype globals.

    Returns:
        list[tuple]: ``(object, pickled name)`` entries for
        :func:`torch.serialization.safe_globals`.
    """
    scalar = _multiarray().scalar
    return ([(scalar, f'{module}.scalar') for module in _MODULES] +
            [(np.dtype, 'numpy.dtype')] + _numeric_dtype_classes())


def numpy_array_globals() -> SafeGlobals:
    """:func:`numpy_scalar_globals` plus numeric ``numpy.ndarray`` s.

    Returns:
        list[tuple]: ``(object, pickled name)`` entries for
        :func:`torch.serialization.safe_globals`.
    """
    reconstruct = _multiarray()._reconstruct
    return (numpy_scalar_globals() +
            [(reconstruct, f'{module}._reconstruct') for module in _MODULES] +
            [(np.ndarray, 'numpy.ndarray')])
