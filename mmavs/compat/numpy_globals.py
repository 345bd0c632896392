# Copyright (c) mmavs contributors. All rights reserved.
"""The numpy globals that pickled numpy *scalars* need, for safe loading.

Why: training scripts often leave numpy scalars in their checkpoints (e.g.
laion-clap's ``cosine_lr`` writes a ``numpy.float64`` learning rate into the
optimizer state of the public CLAP checkpoints). Pickle stores such a scalar
as ``numpy.core.multiarray.scalar(numpy.dtype('f8'), raw_bytes)``, which
``torch.load(weights_only=True)`` refuses ("Unsupported global: GLOBAL
numpy.core.multiarray.scalar").

What: :func:`numpy_safe_globals` lists exactly the globals such a scalar
refers to, under the names that numpy 1.x (``numpy.core.multiarray``) and
numpy 2.x (``numpy._core.multiarray``) write, plus ``numpy.dtype`` and the
``numpy.dtypes`` dtype classes. Use it with
``torch.serialization.safe_globals`` around one ``torch.load(...,
weights_only=True)``: numpy arrays, arbitrary classes and functions stay
refused. Constructing a scalar or a dtype runs no user code.
"""
from typing import Any, Callable, List, Tuple

import numpy as np


def _scalar() -> Callable:
    """numpy's scalar reconstructor, wherever this numpy keeps it."""
    try:
        from numpy._core.multiarray import scalar  # numpy >= 2 (and 1.26)
    except ImportError:  # pragma: no cover - numpy < 1.26
        from numpy.core.multiarray import scalar
    return scalar


def numpy_safe_globals() -> List[Tuple[Any, str]]:
    """The numpy scalar and dtype globals, as ``(object, pickled name)``.

    Returns:
        list[tuple]: Entries for :func:`torch.serialization.safe_globals` /
        :func:`torch.serialization.add_safe_globals`.
    """
    scalar = _scalar()
    out = [
        (scalar, 'numpy.core.multiarray.scalar'),
        (scalar, 'numpy._core.multiarray.scalar'),
        (np.dtype, 'numpy.dtype'),
    ]
    dtypes = getattr(np, 'dtypes', None)  # numpy >= 1.25
    if dtypes is not None:
        for name in sorted(dir(dtypes)):
            cls = getattr(dtypes, name)
            if name.endswith('DType') and isinstance(cls, type) and \
                    issubclass(cls, np.dtype):
                out.append((cls, f'numpy.dtypes.{name}'))
    return out
