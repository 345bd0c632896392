# Copyright (c) mmavs contributors. All rights reserved.
"""Evaluation of audio-visual segmentation: metrics and their measures."""
from .functional import *  # noqa: F401,F403
from .metrics import *  # noqa: F401,F403
