# Copyright (c) mmavs contributors. All rights reserved.
from .audio_query_generator import AudioQueryGenerator
from .backbone_stages import BackboneStages, backbone_stages
from .cross_modal_mixer import CrossModalMixer
from .deformable_encoder import DeformableEncoder
from .dilated_sum_aspp import DilatedSumASPP
from .dpc_knn import DPCKNNResult, dpc_knn, dpc_knn_block_bytes
from .feature_fusion_block import FeatureFusionBlock, ResidualConvUnit
from .post_norm_layer import mha_cfg, post_norm_layer_cfg
from .sgsm_block import (GroupDecoderLayer, SGSMBlock, group_softmax,
                         merge_groups)
from .sine_positional_encoding import SinePositionalEncoding
from .temporal_attention import TemporalAttention
from .tpavi_block import TPAVIBlock

__all__ = [
    'DilatedSumASPP', 'FeatureFusionBlock', 'ResidualConvUnit', 'TPAVIBlock',
    'DPCKNNResult', 'dpc_knn', 'dpc_knn_block_bytes', 'GroupDecoderLayer',
    'SGSMBlock', 'group_softmax', 'merge_groups', 'AudioQueryGenerator',
    'CrossModalMixer', 'DeformableEncoder', 'SinePositionalEncoding',
    'mha_cfg', 'post_norm_layer_cfg', 'BackboneStages', 'backbone_stages',
    'TemporalAttention'
]
