# Copyright (c) mmavs contributors. All rights reserved.
from .avs_visualization_hook import AVSVisualizationHook
from .non_finite_loss_hook import NonFiniteLossError, NonFiniteLossHook

__all__ = ['AVSVisualizationHook', 'NonFiniteLossHook', 'NonFiniteLossError']
