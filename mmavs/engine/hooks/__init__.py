# Copyright (c) mmavs contributors. All rights reserved.
from .avs_visualization_hook import AVSVisualizationHook

__all__ = ['AVSVisualizationHook']
