# Copyright (c) mmavs contributors. All rights reserved.
from .audio_mlp import AudioMLP

__all__ = ['AudioMLP']
