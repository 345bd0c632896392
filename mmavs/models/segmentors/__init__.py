# Copyright (c) mmavs contributors. All rights reserved.
from .av_encoder_decoder import AVEncoderDecoder
from .av_interleaved_encoder_decoder import AVInterleavedEncoderDecoder

__all__ = ['AVEncoderDecoder', 'AVInterleavedEncoderDecoder']
