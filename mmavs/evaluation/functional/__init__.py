# Copyright (c) mmavs contributors. All rights reserved.
"""Pure tensor functions behind the AVS metrics."""
from .binary_measures import (MODES, binary_frame_stats, binary_scores,
                              fmeasure_curves, fmeasure_thresholds, frame_iou,
                              pooled_fbeta, threshold_buckets,
                              threshold_counts)
from .frame_records import concat_stats, select_stats
from .robust_measures import harmonic_global
from .semantic_measures import (frame_class_scores, pooled_semantic_scores,
                                semantic_frame_stats, semantic_scores)

__all__ = [
    'MODES', 'binary_frame_stats', 'binary_scores', 'concat_stats',
    'fmeasure_curves', 'fmeasure_thresholds', 'frame_iou', 'pooled_fbeta',
    'select_stats', 'threshold_buckets', 'threshold_counts', 'harmonic_global',
    'frame_class_scores', 'pooled_semantic_scores', 'semantic_frame_stats',
    'semantic_scores'
]
