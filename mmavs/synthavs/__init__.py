# Copyright (c) mmavs contributors. All rights reserved.
"""SynthAVS: a small, generated audio-visual segmentation dataset.

SynthAVS is the embedded default dataset of mmavs. It is generated
deterministically from a seed, with nothing read from outside the
repository (procedural sounds; real recordings are an option), and written
in the official on-disk layouts of AVSBench-Object (v1: single-source
``S4`` and multi-source ``MS3``) and of AVSBench-Semantic (``AVSS``), so
the real dataset classes read it unchanged.

Modules, one concern each:

- :mod:`~mmavs.synthavs.params`: the parameters (one dataclass) and the
  constants (case types, layouts, proportions);
- :mod:`~mmavs.synthavs.sounds`: the sound bank (procedural categories
  with per-second pitch level and loudness, or recordings);
- :mod:`~mmavs.synthavs.scene`: the scene model (categories, cases,
  objects) and the audio-visual binding that makes the hard cases
  solvable only with the audio;
- :mod:`~mmavs.synthavs.renderer`: frames, instance maps, audio mix;
- :mod:`~mmavs.synthavs.generator`: clips in memory, one random stream
  per clip;
- :mod:`~mmavs.synthavs.writer`: the official layouts and metadata;
- :mod:`~mmavs.synthavs.stamp` and :mod:`~mmavs.synthavs.ensure`: what a
  tree was made from, and regenerating it only when that changed;
- :mod:`~mmavs.synthavs.audio_encoder`: pretraining the tiny configs'
  frozen audio encoder on the train audio.
"""
from .audio_encoder import (DEFAULT_ENCODER_FILE, ensure_synthavs_audio,
                            pretrain_synthavs_audio)
from .ensure import default_synthavs_root, ensure_synthavs
from .generator import SynthAVSGenerator, SynthClip
from .params import (AVSS_LABEL_FRAMES, CASE_TYPES, DEFAULT_CASE_MIX,
                     DEFAULT_SPLIT_SIZES, HARD_CASES, LAYOUT_CSVS, LAYOUT_DIRS,
                     LAYOUTS, SPLITS, SYNTHAVS_VERSION, SynthAVSParams,
                     case_counts)
from .renderer import level_values
from .scene import SynthCategory, SynthObject, SynthScene, build_categories
from .sounds import SOUND_CATEGORIES, pitch_ratio
from .stamp import CLIPS_JSON, STAMP_FILE, read_stamp
from .writer import generate_synthavs

__all__ = [
    'SYNTHAVS_VERSION', 'CASE_TYPES', 'HARD_CASES', 'LAYOUTS', 'LAYOUT_DIRS',
    'LAYOUT_CSVS', 'SPLITS', 'DEFAULT_CASE_MIX', 'DEFAULT_SPLIT_SIZES',
    'AVSS_LABEL_FRAMES', 'SynthAVSParams', 'case_counts', 'SOUND_CATEGORIES',
    'pitch_ratio', 'SynthCategory', 'SynthObject', 'SynthScene',
    'build_categories', 'level_values', 'SynthClip', 'SynthAVSGenerator',
    'generate_synthavs', 'ensure_synthavs', 'default_synthavs_root',
    'STAMP_FILE', 'CLIPS_JSON', 'read_stamp', 'DEFAULT_ENCODER_FILE',
    'pretrain_synthavs_audio', 'ensure_synthavs_audio'
]
