# Copyright (c) mmavs contributors. All rights reserved.
from .audio_film_neck import AudioFiLMNeck

__all__ = ['AudioFiLMNeck']
