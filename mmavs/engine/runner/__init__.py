# Copyright (c) mmavs contributors. All rights reserved.
from .avs_runner import AVSRunner

__all__ = ['AVSRunner']
