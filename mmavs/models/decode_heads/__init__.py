# Copyright (c) mmavs contributors. All rights reserved.
from .avsegformer_head import AVSegFormerHead
from .base_av_decode_head import BaseAVDecodeHead
from .tpavi_head import TPAVIHead
from .uncertainty_head import UncertaintyHead

__all__ = [
    'AVSegFormerHead', 'BaseAVDecodeHead', 'TPAVIHead', 'UncertaintyHead'
]
