# Copyright (c) mmavs contributors. All rights reserved.
"""Helpers shared by the test suite (fixtures that tests build)."""
from .paths import repo_root, shared_data_root, unseen_audio_files

__all__ = ['repo_root', 'shared_data_root', 'unseen_audio_files']
from .tiny_model import TINY_AUDIO_SHAPE, packed_clip, tiny_model_cfg

__all__ += ['TINY_AUDIO_SHAPE', 'packed_clip', 'tiny_model_cfg']
