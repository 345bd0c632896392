# Copyright (c) mmavs contributors. All rights reserved.
from .audio_mlp import AudioMLP
from .htsat import HTSAT
from .precomputed import PrecomputedAudio
from .vggish import VGGish

__all__ = ['AudioMLP', 'HTSAT', 'PrecomputedAudio', 'VGGish']
