# Copyright (c) mmavs contributors. All rights reserved.
"""AVSBench-Robust: the audio conditions (:mod:`.conditions`), off-screen
sampling (:mod:`.offscreen`) and the dataset wrapper
(:mod:`.robust_avs_dataset`)."""
from .conditions import (OFFICIAL_TRAIN_NEGATIVES, PAPER_UNSEEN_FILES,
                         STANDARD_CONDITIONS)
from .offscreen import OffscreenSampler
from .robust_avs_dataset import RobustAVSDataset

__all__ = [
    'STANDARD_CONDITIONS', 'OFFICIAL_TRAIN_NEGATIVES', 'PAPER_UNSEEN_FILES',
    'OffscreenSampler', 'RobustAVSDataset'
]
