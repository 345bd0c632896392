# Copyright (c) mmavs contributors. All rights reserved.
from .separable_fcn_head import SeparableFCNHead

__all__ = ['SeparableFCNHead']
