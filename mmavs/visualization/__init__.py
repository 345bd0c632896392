# Copyright (c) mmavs contributors. All rights reserved.
from .avs_local_visualizer import AVSLocalVisualizer

__all__ = ['AVSLocalVisualizer']
