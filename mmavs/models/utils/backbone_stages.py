# Copyright (c) mmavs contributors. All rights reserved.
"""Run a multi-stage visual backbone one stage at a time.

:class:`AVInterleavedEncoderDecoder` puts an audio-visual block between two
stages of the visual encoder (RAVS: the re-mapped map of AMA is the input of
the next encoder block). :func:`backbone_stages` gives, for a built
backbone, one callable per stage: stage ``i`` maps the output of stage
``i - 1`` (the image for ``i = 0``) to its own output map [N, C_i, H_i, W_i],
using the backbone's own stage modules (nothing is copied or re-created, so
the backbone's parameters and state-dict keys are unchanged).
``out_indices`` lists the stages whose outputs ``backbone(x)`` returns, in
order; running every stage and keeping those gives exactly ``backbone(x)``.

Supported:

- mmseg's ``MixVisionTransformer`` (MiT, SegFormer): stage ``i`` is
  ``layers[i]`` = (patch embedding, blocks, norm), as in its ``forward``;
  the stage output is the NCHW map that also feeds the next patch
  embedding.
- mmseg's ``TIMMBackbone`` over a timm ``FeatureListNet`` /
  ``FeatureDictNet`` (``features_only=True``, e.g. ``pvt_v2_b5``): the
  wrapper's modules in order, cut after each returned layer (timm's
  ``_collect`` runs them the same way); the returned layers must output
  NCHW tensors (PVT-v2's stages do). Gradient checkpointing of the feature
  net is not supported (an error says so).
- mmavs's :class:`SimpleConvNet`: ``stages[i]``.

Anything else raises a ``TypeError`` naming the backbone type.
"""
from typing import Callable, List, NamedTuple

from torch import Tensor, nn

Stage = Callable[[Tensor], Tensor]


class BackboneStages(NamedTuple):
    """Stage callables of a backbone.

    Attributes:
        stages (list[callable]): Stage ``i``: previous map -> stage map.
        out_indices (list[int]): Stages whose outputs ``backbone(x)``
            returns, in order.
    """
    stages: List[Stage]
    out_indices: List[int]


def _mit_stages(backbone: nn.Module) -> BackboneStages:
    from mmseg.models.utils import nlc_to_nchw

    def make(layer: nn.ModuleList) -> Stage:

        def run(x: Tensor) -> Tensor:
            x, hw_shape = layer[0](x)
            for block in layer[1]:
                x = block(x, hw_shape)
            return nlc_to_nchw(layer[2](x), hw_shape)

        return run

    stages = [make(layer) for layer in backbone.layers]
    return BackboneStages(stages, sorted(backbone.out_indices))


def _timm_stages(backbone: nn.Module) -> BackboneStages:
    net = backbone.timm_model
    name = type(net).__name__
    if not hasattr(net, 'return_layers') or not hasattr(net, 'items'):
        raise TypeError(
            f'backbone_stages: TIMMBackbone wraps a timm {name}; only '
            'FeatureListNet/FeatureDictNet (features_only=True with module '
            'taps) can be run stage by stage')
    if getattr(net, 'grad_checkpointing', False):
        raise TypeError('backbone_stages: the timm feature net has gradient '
                        'checkpointing on; run it whole instead')
    segments: List[List[nn.Module]] = []
    current: List[nn.Module] = []
    for layer_name, module in net.items():
        current.append(module)
        if layer_name in net.return_layers:
            segments.append(current)
            current = []

    def make(modules: List[nn.Module]) -> Stage:

        def run(x: Tensor) -> Tensor:
            for module in modules:
                x = module(x)
            if not isinstance(x, Tensor) or x.dim() != 4:
                raise TypeError('backbone_stages: a timm stage returned '
                                f'{type(x).__name__}, expected an NCHW '
                                'tensor')
            return x

        return run

    stages = [make(m) for m in segments]
    return BackboneStages(stages, list(range(len(stages))))


def _simple_conv_stages(backbone: nn.Module) -> BackboneStages:
    stages = list(backbone.stages)
    return BackboneStages(stages, list(range(len(stages))))


_ADAPTERS = {
    'MixVisionTransformer': _mit_stages,
    'TIMMBackbone': _timm_stages,
    'SimpleConvNet': _simple_conv_stages,
}


def backbone_stages(backbone: nn.Module) -> BackboneStages:
    """The stages of a supported backbone (see the module docstring).

    Args:
        backbone (nn.Module): A built visual backbone.

    Returns:
        BackboneStages: The stage callables and the returned stages.
    """
    for cls in type(backbone).__mro__:
        if cls.__name__ in _ADAPTERS:
            return _ADAPTERS[cls.__name__](backbone)
    raise TypeError(
        f'backbone_stages: {type(backbone).__name__} cannot be run stage by '
        f'stage; supported: {sorted(_ADAPTERS)}')


__all__ = ['BackboneStages', 'backbone_stages']
