# Copyright (c) mmavs contributors. All rights reserved.
from .dilated_sum_aspp import DilatedSumASPP
from .dpc_knn import DPCKNNResult, dpc_knn, dpc_knn_block_bytes
from .feature_fusion_block import FeatureFusionBlock, ResidualConvUnit
from .sgsm_block import (GroupDecoderLayer, SGSMBlock, group_softmax,
                         merge_groups)
from .tpavi_block import TPAVIBlock

__all__ = [
    'DilatedSumASPP', 'FeatureFusionBlock', 'ResidualConvUnit', 'TPAVIBlock',
    'DPCKNNResult', 'dpc_knn', 'dpc_knn_block_bytes', 'GroupDecoderLayer',
    'SGSMBlock', 'group_softmax', 'merge_groups'
]
