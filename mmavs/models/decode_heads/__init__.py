# Copyright (c) mmavs contributors. All rights reserved.
from .tpavi_head import TPAVIHead
from .uncertainty_head import UncertaintyHead

__all__ = ['TPAVIHead', 'UncertaintyHead']
