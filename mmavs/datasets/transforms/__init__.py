# Copyright (c) mmavs contributors. All rights reserved.
"""Clip transforms: loading, audio inputs and clip-consistent augmentation."""
from .audio import LoadAVAudio
from .formatting import PackAVSInputs
from .inferencer_loader import AVInferencerLoader
from .loading import LoadAVAnnotations, LoadAVFrames
from .transforms import (ClipCenterCrop, ClipPhotoMetricDistortion,
                         ClipRandomCrop, ClipRandomFlip, ClipRandomResize,
                         ClipResize)

__all__ = [
    'LoadAVFrames', 'LoadAVAnnotations', 'LoadAVAudio', 'ClipResize',
    'ClipRandomResize', 'ClipRandomCrop', 'ClipCenterCrop', 'ClipRandomFlip',
    'ClipPhotoMetricDistortion', 'PackAVSInputs', 'AVInferencerLoader'
]
