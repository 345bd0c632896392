# Copyright (c) mmavs contributors. All rights reserved.
"""Audio-visual segmentation datasets and their transforms."""
from .avsbench import AVSBenchMS3Dataset, AVSBenchS4Dataset
from .avss import AVSSDataset
from .base_av_dataset import BaseAVDataset, DataListError
from .collate import av_collate
from .metainfo import (AVSS_CLASSES, MS3_OBJECT_GROUPS, S4_CATEGORIES,
                       S4_CATEGORY_GROUPS, SYNTHAVS_CATEGORY_GROUPS,
                       VPO_CLASSES, VPO_COCO_ID_TO_NAME, avss_palette)
from .robust import RobustAVSDataset
from .transforms import *  # noqa: F401,F403
from .vpo import VPODataset, vpo_label_map

__all__ = [
    'BaseAVDataset', 'DataListError', 'AVSBenchS4Dataset',
    'AVSBenchMS3Dataset', 'AVSSDataset', 'VPODataset', 'S4_CATEGORIES',
    'AVSS_CLASSES', 'VPO_CLASSES', 'VPO_COCO_ID_TO_NAME', 'avss_palette',
    'vpo_label_map', 'av_collate', 'RobustAVSDataset', 'S4_CATEGORY_GROUPS',
    'MS3_OBJECT_GROUPS', 'SYNTHAVS_CATEGORY_GROUPS'
]
