# Copyright (c) mmavs contributors. All rights reserved.
"""FLOP counting of a segmentor with mmengine's ``FlopAnalyzer``.

Shared by ``tools/analysis_tools/get_flops.py`` (totals) and
``tools/analysis_tools/profile_model.py`` (per module). 1 flop = 1
multiply-add, mmengine's convention.
"""
from typing import List

import torch
from torch import nn


class TensorForward(nn.Module):
    """``model(frames, audio)``: the segmentor's tensor mode, traceable.

    The jit tracer behind the FLOP counter takes tensors only; the clip
    length and the data samples are held here.

    Args:
        model (nn.Module): An ``AVEncoderDecoder``.
        num_frames (int): Frames per clip.
        data_samples (list): The frames' data samples.
    """

    def __init__(self, model: nn.Module, num_frames: int, data_samples: List):
        super().__init__()
        self.model = model
        self.num_frames = num_frames
        self.data_samples = data_samples

    def forward(self, frames, audio):
        out = self.model._forward(
            dict(frames=frames, audio=audio, num_frames=self.num_frames),
            self.data_samples)
        while isinstance(out, (list, tuple)):
            out = out[0]
        if isinstance(out, dict):
            out = next(iter(out.values()))
        return out


def _sdpa_flop_jit(inputs, outputs) -> int:
    """``scaled_dot_product_attention(q, k, v)``: ``q k^T`` and ``a v``."""
    from mmengine.analysis.jit_handles import get_shape
    q, k, v = (get_shape(x) for x in inputs[:3])
    batch = 1
    for dim in q[:-2]:
        batch *= dim
    return batch * q[-2] * k[-2] * (q[-1] + v[-1])


def _baddbmm_flop_jit(inputs, outputs) -> int:
    """``baddbmm(input, b1, b2)``: the batched product ``b1 @ b2``."""
    from mmengine.analysis.jit_handles import get_shape
    (n, c, t), d = get_shape(inputs[1]), get_shape(inputs[2])[-1]
    return n * c * t * d


def _bmm_flop_jit(inputs, outputs) -> int:
    """``bmm(a, b)``, also with ``out=`` (a third input, which mmengine's
    own handle refuses)."""
    from mmengine.analysis.jit_handles import get_shape
    (n, c, t), d = get_shape(inputs[0]), get_shape(inputs[1])[-1]
    return n * c * t * d


#: Operators that carry the attention and distance products of these models
#: and that mmengine 0.10 does not count (or refuses in the form used here:
#: ``bmm`` with ``out=``); 1 flop = 1 multiply-add, mmengine's convention.
EXTRA_HANDLES = {
    'aten::scaled_dot_product_attention': _sdpa_flop_jit,
    'aten::baddbmm': _baddbmm_flop_jit,
    'aten::bmm': _bmm_flop_jit,
}


def flop_analyzer(model: nn.Module, batch: dict):
    """A configured ``FlopAnalyzer`` of ``model``'s tensor forward.

    Args:
        model (nn.Module): An ``AVEncoderDecoder`` (eval mode).
        batch (dict): ``inputs`` (``frames``, ``audio``, ``num_frames``)
            and ``data_samples``, as :func:`mmavs.testing.synthetic_av_batch`
            returns them.

    Returns:
        FlopAnalyzer: with :data:`EXTRA_HANDLES`, warnings off. Its module
        names carry the prefix ``model.``.
    """
    from mmengine.analysis import FlopAnalyzer
    inputs = batch['inputs']
    wrapper = TensorForward(model, inputs['num_frames'], batch['data_samples'])
    analyzer = FlopAnalyzer(wrapper, (inputs['frames'], inputs['audio']))
    analyzer.set_op_handle(**EXTRA_HANDLES)
    analyzer.unsupported_ops_warnings(False)
    analyzer.uncalled_modules_warnings(False)
    return analyzer


class no_mha_fastpath:
    """Context manager: PyTorch's fused multi-head-attention fast path off
    (an operator no counter knows), so ``nn.MultiheadAttention`` is traced
    through its linear layers and attention products."""

    def __enter__(self):
        self.enabled = torch.backends.mha.get_fastpath_enabled()
        torch.backends.mha.set_fastpath_enabled(False)
        return self

    def __exit__(self, *exc):
        torch.backends.mha.set_fastpath_enabled(self.enabled)
        return False


__all__ = [
    'EXTRA_HANDLES', 'TensorForward', 'flop_analyzer', 'no_mha_fastpath'
]
