# Copyright (c) mmavs contributors. All rights reserved.
from .base_av_decode_head import BaseAVDecodeHead
from .tpavi_head import TPAVIHead
from .uncertainty_head import UncertaintyHead

__all__ = ['BaseAVDecodeHead', 'TPAVIHead', 'UncertaintyHead']
