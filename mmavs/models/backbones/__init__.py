# Copyright (c) mmavs contributors. All rights reserved.
from .simple_conv_net import SimpleConvNet

__all__ = ['SimpleConvNet']
