# Copyright (c) mmavs contributors. All rights reserved.
"""Pure-PyTorch stand-in for ``mmcv.ops`` when compiled mmcv is absent.

Why: ``mmcv-lite`` ships the Python files of ``mmcv.ops`` but not the
compiled ``mmcv._ext``; ``mmcv/ops/__init__.py`` loads ``_ext`` eagerly, and
mmseg 1.2.2 imports ``mmcv.ops`` unguarded (``mmseg.utils.mask_classification``,
``mmseg.models.utils.point_sample``, ``mmseg.models.losses.focal_loss``,
``mmseg.models.decode_heads.san_head``), so ``import mmseg.models`` fails.

What: when (and only when) ``mmcv._ext`` cannot be found, a small module is
put in ``sys.modules['mmcv.ops']`` that provides

* ``point_sample`` (and ``bilinear_grid_sample``): mmcv's own pure-Python
  implementation from ``mmcv/ops/point_sample.py`` (it never used ``_ext``);
* ``sigmoid_focal_loss``: a PyTorch implementation with the semantics of
  mmcv's CUDA kernel (class-index targets, ``num_classes`` = background,
  ``reduction='mean'`` divides by the number of rows);
* ``MultiScaleDeformableAttention`` / ``multi_scale_deformable_attn_pytorch``:
  mmcv's own module and parameter layout (so checkpoints are interchangeable
  with compiled mmcv), executed with the ``_ext`` kernels disabled so that
  ``forward`` always takes mmcv's PyTorch path, on CPU and GPU alike.

Any other op raises :class:`ModuleNotFoundError` that names the op and says
that it needs compiled mmcv. ``ModuleNotFoundError`` is what mmseg's optional
imports (``try: from mmcv.ops import CrissCrossAttention except
ModuleNotFoundError``) expect.
"""
import importlib.util
import os.path as osp
import sys
import types
from typing import Optional

import torch
import torch.nn.functional as F

COMPILED_MMCV_HINT = (
    'it needs compiled mmcv ops (mmcv._ext), but only mmcv-lite is '
    'installed. Build mmcv==2.1.0 from source as described in README.md '
    '("Optional: compiled mmcv").')

FALLBACK_OPS = ('point_sample', 'bilinear_grid_sample', 'sigmoid_focal_loss',
                'MultiScaleDeformableAttention',
                'multi_scale_deformable_attn_pytorch')


def compiled_mmcv_available() -> bool:
    """Whether the compiled ``mmcv._ext`` extension can be imported."""
    try:
        return importlib.util.find_spec('mmcv._ext') is not None
    except ModuleNotFoundError:
        return False


def sigmoid_focal_loss(input: torch.Tensor,
                       target: torch.Tensor,
                       gamma: float = 2.0,
                       alpha: float = 0.25,
                       weight: Optional[torch.Tensor] = None,
                       reduction: str = 'mean') -> torch.Tensor:
    """Sigmoid focal loss with the interface of ``mmcv.ops``.

    Args:
        input (Tensor): Logits of shape (N, C).
        target (Tensor): Class indices of shape (N,), dtype long; the value
            ``C`` means background (no positive class).
        gamma (float): Focusing parameter. Defaults to 2.0.
        alpha (float): Weight of the positive term. Defaults to 0.25.
        weight (Tensor, optional): Per-class weight of shape (C,), applied
            to every element of a row by the row's target class.
        reduction (str): 'none', 'mean' (sum divided by N, as mmcv does) or
            'sum'.

    Returns:
        Tensor: The loss, (N, C) for 'none', a scalar otherwise.
    """
    if input.dim() != 2 or target.dim() != 1 or \
            input.size(0) != target.size(0):
        raise ValueError('sigmoid_focal_loss expects input (N, C) and target '
                         f'(N,), got {tuple(input.shape)} and '
                         f'{tuple(target.shape)}')
    if target.dtype != torch.long:
        raise TypeError(f'target must be torch.long, got {target.dtype}')
    num_classes = input.size(1)
    one_hot = F.one_hot(target.clamp(max=num_classes), num_classes + 1)
    one_hot = one_hot[:, :num_classes].to(input.dtype)
    prob = input.sigmoid()
    # log(sigmoid(x)) and log(1 - sigmoid(x)) in a numerically stable form.
    log_p = F.logsigmoid(input)
    log_1mp = F.logsigmoid(-input)
    loss = -alpha * (1 - prob).pow(gamma) * log_p * one_hot - \
        (1 - alpha) * prob.pow(gamma) * log_1mp * (1 - one_hot)
    if weight is not None:
        if weight.dim() != 1 or weight.numel() != num_classes:
            raise ValueError(f'weight must have shape ({num_classes},), got '
                             f'{tuple(weight.shape)}')
        row_weight = weight[target.clamp(max=num_classes - 1)]
        row_weight = torch.where(target < num_classes, row_weight,
                                 torch.ones_like(row_weight))
        loss = loss * row_weight[:, None]
    if reduction == 'mean':
        return loss.sum() / input.size(0)
    if reduction == 'sum':
        return loss.sum()
    if reduction == 'none':
        return loss
    raise ValueError(f"reduction must be 'none', 'mean' or 'sum', got "
                     f'{reduction!r}')


class _MissingExt:
    """Stands in for ``mmcv._ext`` while mmcv's Python op files execute."""

    def __getattr__(self, name: str):
        raise ModuleNotFoundError(f'mmcv._ext.{name}: {COMPILED_MMCV_HINT}')


def _exec_mmcv_ops_file(ops_dir: str, name: str) -> types.ModuleType:
    """Execute ``mmcv/ops/{name}.py`` with ``_ext`` replaced by a stub."""
    from mmcv.utils import ext_loader
    full_name = f'mmcv.ops.{name}'
    spec = importlib.util.spec_from_file_location(
        full_name, osp.join(ops_dir, f'{name}.py'))
    module = importlib.util.module_from_spec(spec)
    original = ext_loader.load_ext
    ext_loader.load_ext = lambda *args, **kwargs: _MissingExt()
    try:
        sys.modules[full_name] = module
        spec.loader.exec_module(module)
    finally:
        ext_loader.load_ext = original
    return module


def _make_fallback_package(ops_dir: str) -> types.ModuleType:
    package = types.ModuleType('mmcv.ops')
    package.__path__ = []  # a package, but nothing else is importable
    package.__file__ = __file__
    package.__doc__ = __doc__
    package.MMAVS_FALLBACK = True

    point_sample_mod = _exec_mmcv_ops_file(ops_dir, 'point_sample')
    package.point_sample = point_sample_mod.point_sample
    package.bilinear_grid_sample = point_sample_mod.bilinear_grid_sample

    msda_mod = _exec_mmcv_ops_file(ops_dir, 'multi_scale_deform_attn')
    # Force mmcv's own PyTorch code path in forward() on every device.
    msda_mod.IS_CUDA_AVAILABLE = False
    msda_mod.IS_MLU_AVAILABLE = False
    package.MultiScaleDeformableAttention = \
        msda_mod.MultiScaleDeformableAttention
    package.multi_scale_deformable_attn_pytorch = \
        msda_mod.multi_scale_deformable_attn_pytorch
    package.multi_scale_deform_attn = msda_mod
    package.point_sample_module = point_sample_mod

    focal_mod = types.ModuleType('mmcv.ops.focal_loss')
    focal_mod.sigmoid_focal_loss = sigmoid_focal_loss
    sys.modules['mmcv.ops.focal_loss'] = focal_mod
    package.focal_loss = focal_mod
    package.sigmoid_focal_loss = sigmoid_focal_loss

    def __getattr__(name: str):
        if name.startswith('__'):
            raise AttributeError(name)
        raise ModuleNotFoundError(
            f'mmcv.ops.{name} is not available: {COMPILED_MMCV_HINT} '
            f'Pure-PyTorch fallbacks exist only for {", ".join(FALLBACK_OPS)}.'
        )

    package.__getattr__ = __getattr__
    return package


def install_mmcv_ops_fallback() -> bool:
    """Install the fallback ``mmcv.ops`` if compiled mmcv is absent.

    Idempotent. Must run before anything imports ``mmcv.ops`` (``import
    mmavs`` does it first thing).

    Returns:
        bool: True if the fallback is (now) active, False if compiled mmcv is
        used.
    """
    current = sys.modules.get('mmcv.ops')
    if current is not None and getattr(current, 'MMAVS_FALLBACK', False):
        return True
    if compiled_mmcv_available():
        return False
    import mmcv
    ops_dir = osp.join(osp.dirname(mmcv.__file__), 'ops')
    package = _make_fallback_package(ops_dir)
    sys.modules['mmcv.ops'] = package
    mmcv.ops = package
    return True
