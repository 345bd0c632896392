# Copyright (c) mmavs contributors. All rights reserved.
from .ama_neck import AMANeck
from .audio_film_neck import AudioFiLMNeck
from .avsegformer_neck import AVSegFormerNeck
from .base_av_neck import BaseAVNeck
from .tpavi_neck import TPAVINeck

__all__ = [
    'AMANeck', 'AudioFiLMNeck', 'AVSegFormerNeck', 'BaseAVNeck', 'TPAVINeck'
]
