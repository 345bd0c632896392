# Copyright (c) mmavs contributors. All rights reserved.
from .avsegformer_head import AVSegFormerHead
from .tpavi_head import TPAVIHead
from .uncertainty_head import UncertaintyHead

__all__ = ['AVSegFormerHead', 'TPAVIHead', 'UncertaintyHead']
