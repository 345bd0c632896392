# Copyright (c) mmavs contributors. All rights reserved.
"""Evaluation metrics of audio-visual segmentation."""
from .avs_metric import AVSMetric
from .avss_metric import AVSSMetric
from .dump_av_results import DumpAVSResults
from .robust_metric import RobustAVSMetric

__all__ = ['AVSMetric', 'AVSSMetric', 'DumpAVSResults', 'RobustAVSMetric']
