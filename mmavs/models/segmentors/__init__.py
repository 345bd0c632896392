# Copyright (c) mmavs contributors. All rights reserved.
from .av_encoder_decoder import AVEncoderDecoder

__all__ = ['AVEncoderDecoder']
