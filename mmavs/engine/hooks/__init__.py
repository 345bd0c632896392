# Copyright (c) mmavs contributors. All rights reserved.
from .avs_visualization_hook import AVSVisualizationHook
from .backbone_freeze_hook import BackboneFreezeHook
from .non_finite_loss_hook import NonFiniteLossError, NonFiniteLossHook

__all__ = [
    'AVSVisualizationHook', 'BackboneFreezeHook', 'NonFiniteLossHook',
    'NonFiniteLossError'
]
