# Copyright (c) mmavs contributors. All rights reserved.
from .avs_visualization_hook import AVSVisualizationHook
from .backbone_freeze_hook import BackboneFreezeHook

__all__ = ['AVSVisualizationHook', 'BackboneFreezeHook']
