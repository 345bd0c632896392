# Copyright (c) mmavs contributors. All rights reserved.
"""SynthAVS: a small, generated audio-visual segmentation dataset.

SynthAVS is the embedded default dataset of mmavs. It is generated
deterministically from a seed and written in the official on-disk layouts of
AVSBench-Object (v1: single-source ``S4`` and multi-source ``MS3``) and of
AVSBench-Semantic (``AVSS``), so the real dataset classes read it unchanged.

Scene model
-----------
``C`` categories (``num_categories``), each with a visual identity (a shape, a
texture, a hue range; see :func:`build_categories`) and a sound. The sounds
are the real recordings of ``../shared/data/unseen_audio`` in the order of
:data:`SOUND_RECORDINGS` (the default ``C=5`` uses tuning fork, rooster,
drum roll, frog and train horn); categories beyond the available recordings
get synthetic harmonic sounds. Every second of a clip (one second per frame)
carries random 1 s crops of the recordings of the objects sounding in that
frame, with a random gain, mixed.

Every clip is one of the AVS case types of :data:`CASE_TYPES`, in the
proportions of ``case_mix`` (recorded in the ``case`` column of the metadata
CSV files):

- ``single``: one visible object, sounding in every frame.
- ``multi_some_sounding``: 2-3 objects of distinct categories, only some
  sound (exactly one in the single-source ``s4`` layout).
- ``lookalike``: two instances of one category (plus an optional silent
  distractor); only one sounds. The sounding instance carries a small
  pulsing white ring around it (a visual cue correlated with its sound), so
  the case is solvable.
- ``state_switch``: one object whose sound switches on and off across frames
  (at least one frame on and one off), plus an optional silent object.
- ``multi_source``: 2-3 objects, at least two sounding at once (mixture).
- ``offscreen``: 1-2 silent objects; the sound belongs to a category that is
  not in view. Every mask is empty.
- ``silence``: 1-2 silent objects and no sound. Every mask is empty.

In the other cases a silent object carries the same ring with probability
``decoy_cue_prob``, so the ring alone does not tell which object sounds.

Ground truth: binary masks (``s4``, ``ms3``) are the union of the objects
sounding in a frame (0/255 grayscale PNG); semantic masks (``avss``) give each
sounding object's pixels the colour of class ``k + 1`` of the AVSBench
71-colour palette (:func:`avss_palette`, background = index 0, black), where
``k`` is the 0-based category index.

Per-frame records (extra columns next to the official ones, all strings):
``case``, ``num_frames``, ``objects`` (categories of the visible objects,
``+``-joined, object order), ``sounding`` (per frame, ``|``-separated, the
``+``-joined indices of the sounding visible objects or ``-``), ``audible``
(per frame, the categories heard, on or off screen, or ``-``) and ``cue``
(indices of the objects drawn with a ring or ``-``). ``synthavs_clips.json``
next to each CSV holds the full record (object tracks, audio crops).

Official columns: ``s4_meta_data.csv`` has ``name, start, category, split``
(the official loader reads the name as column 0 and ``category``/``split`` by
name; ``start`` is 0), where ``category`` (the path folder) is the first
category heard in the clip, on or off screen, else (silence) the first
visible one. ``ms3_meta_data.csv`` has ``video_id, split``. AVSS
``metadata.csv`` has ``vid, uid, s_min, s_sec, a_obj, split, label`` with
``uid = vid`` = the clip id, ``a_obj`` the ``+``-joined categories that sound
in view (``-`` if none) and ``label`` in ``v1s``/``v1m`` (5 frames) or ``v2``
(10 frames); ``AVSS/label2idx.json`` lists ``background`` and the categories
with their class indices. Audio is 16 kHz mono 16-bit PCM, one second per
frame; frames are PNG (``s4``/``ms3``) or JPEG (``avss``).
"""
import colorsys
import contextlib
import fcntl
import functools
import inspect
import json
import os
import os.path as osp
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np
import soundfile as sf

from .avss import avss_palette
from .layout_writers import (write_avss_clip, write_csv, write_log_mel_pkl,
                             write_ms3_clip, write_s4_clip)

__all__ = [
    'SYNTHAVS_VERSION', 'CASE_TYPES', 'LAYOUTS', 'LAYOUT_DIRS',
    'DEFAULT_CASE_MIX', 'DEFAULT_AVSS_LABEL_MIX', 'DEFAULT_SPLIT_SIZES',
    'SOUND_RECORDINGS', 'SynthCategory', 'SynthObject', 'SynthClip',
    'SynthAVSGenerator', 'build_categories', 'case_counts', 'synthavs_params',
    'generate_synthavs', 'ensure_synthavs', 'default_synthavs_root',
    'STAMP_FILE', 'CLIPS_JSON'
]

SYNTHAVS_VERSION = '1.0'

#: The case types, in the order used by metadata and reports.
CASE_TYPES = ('single', 'multi_some_sounding', 'lookalike', 'state_switch',
              'multi_source', 'offscreen', 'silence')

#: The layouts SynthAVS writes.
LAYOUTS = ('s4', 'ms3', 'avss')

#: Official sub-folder of each layout below the SynthAVS root.
LAYOUT_DIRS = {'s4': 'Single-source', 'ms3': 'Multi-sources', 'avss': 'AVSS'}

SPLITS = ('train', 'val', 'test')

#: Default case proportions per layout. ``s4`` is single-source: it has no
#: ``multi_source`` clips and ``multi_some_sounding`` has one sounding object.
DEFAULT_CASE_MIX = {
    's4': {
        'single': 0.30,
        'multi_some_sounding': 0.15,
        'lookalike': 0.15,
        'state_switch': 0.15,
        'multi_source': 0.0,
        'offscreen': 0.125,
        'silence': 0.125,
    },
    'ms3': {
        'single': 0.15,
        'multi_some_sounding': 0.15,
        'lookalike': 0.15,
        'state_switch': 0.15,
        'multi_source': 0.20,
        'offscreen': 0.10,
        'silence': 0.10,
    },
    'avss': {
        'single': 0.20,
        'multi_some_sounding': 0.15,
        'lookalike': 0.15,
        'state_switch': 0.15,
        'multi_source': 0.15,
        'offscreen': 0.10,
        'silence': 0.10,
    },
}

#: Default AVSS sub-set (``label`` column) proportions. ``v1s``/``v1m`` clips
#: have 5 frames (5 s), ``v2`` clips 10 frames (10 s), as in AVSBench-Semantic.
DEFAULT_AVSS_LABEL_MIX = {'v1s': 0.3, 'v1m': 0.4, 'v2': 0.3}
AVSS_LABEL_FRAMES = {'v1s': 5, 'v1m': 5, 'v2': 10}

DEFAULT_SPLIT_SIZES = {'train': 320, 'val': 80, 'test': 80}

#: The real recordings (file stem in ``shared/data/unseen_audio``) and the
#: category name SynthAVS gives them, in the order categories take them.
#: The first five are spectrally far apart (pure tone, harmonic crow,
#: broadband percussive roll, periodic croaks, low loud horn).
SOUND_RECORDINGS = (
    ('fork_segment', 'tuning_fork'),
    ('rooster_segment', 'rooster'),
    ('drum-roll-sound-effect', 'drum_roll'),
    ('frog', 'frog'),
    ('loud-train-horn', 'train_horn'),
    ('clock-ticking-sound-effect', 'clock_ticking'),
    ('fire-place', 'fire_place'),
    ('spirit-cello', 'cello'),
    ('cow-sound', 'cow'),
    ('clapping', 'clapping'),
    ('airplane', 'airplane'),
    ('ocean-waves', 'ocean_waves'),
    ('sheep_segment', 'sheep'),
    ('thunderstorm_segment', 'thunderstorm'),
    ('allergic-sneezing', 'sneezing'),
)

SHAPES = ('circle', 'square', 'triangle', 'diamond', 'cross', 'ring',
          'hexagon', 'star')
TEXTURES = ('solid', 'hstripes', 'checker', 'vstripes', 'dots', 'diagonal')

JPEG_PARAMS = (cv2.IMWRITE_JPEG_QUALITY, 95, cv2.IMWRITE_JPEG_SAMPLING_FACTOR,
               cv2.IMWRITE_JPEG_SAMPLING_FACTOR_444)
STAMP_FILE = 'synthavs_stamp.json'
CLIPS_JSON = 'synthavs_clips.json'
EXTRA_COLUMNS = ('case', 'num_frames', 'objects', 'sounding', 'audible', 'cue')
S4_COLUMNS = ('name', 'start', 'category', 'split') + EXTRA_COLUMNS
MS3_COLUMNS = ('video_id', 'split') + EXTRA_COLUMNS
AVSS_COLUMNS = ('vid', 'uid', 's_min', 's_sec', 'a_obj', 'split',
                'label') + EXTRA_COLUMNS


# ---------------------------------------------------------------------------
# categories
# ---------------------------------------------------------------------------
@dataclass
class SynthCategory:
    """A SynthAVS category: its visual identity and its sound.

    Args:
        name (str): Category name (used in paths and metadata).
        index (int): 0-based category index; the semantic class is
            ``index + 1`` (0 is background).
        shape (str): One of :data:`SHAPES`.
        texture (str): One of :data:`TEXTURES`.
        hue (float): Centre of the hue range in ``[0, 1)``.
        sound (str): Path of the recording, or ``'synthetic:<k>'``.
    """
    name: str
    index: int
    shape: str
    texture: str
    hue: float
    sound: str

    @property
    def class_index(self) -> int:
        """Semantic class index (1-based; 0 is background)."""
        return self.index + 1


def build_categories(
        num_categories: int,
        audio_files: Optional[Sequence[str]] = None) -> List[SynthCategory]:
    """Build the category table.

    Category ``k`` gets shape ``SHAPES[k % 8]``, texture
    ``TEXTURES[k % 6]``, hue ``k / C`` and the ``k``-th recording of
    :data:`SOUND_RECORDINGS` found in ``audio_files`` (matched by file stem;
    categories beyond them get synthetic sounds named ``synth_sound_<k>``).

    Args:
        num_categories (int): Number of categories ``C`` (>= 2).
        audio_files (Sequence[str], optional): Available recordings. ``None``
            means the shared recordings (:func:`mmavs.testing.
            unseen_audio_files`); an empty sequence means all-synthetic.

    Returns:
        list[SynthCategory]: ``C`` categories.
    """
    if int(num_categories) < 2:
        raise ValueError(f'num_categories must be >= 2, got {num_categories}')
    if audio_files is None:
        from mmavs.utils.paths import unseen_audio_files
        audio_files = unseen_audio_files()
    by_stem = {osp.splitext(osp.basename(f))[0]: f for f in audio_files}
    sounds = [(name, by_stem[stem]) for stem, name in SOUND_RECORDINGS
              if stem in by_stem]
    categories = []
    for k in range(num_categories):
        if k < len(sounds):
            name, sound = sounds[k]
        else:
            name, sound = f'synth_sound_{k}', f'synthetic:{k}'
        categories.append(
            SynthCategory(
                name=name,
                index=k,
                shape=SHAPES[k % len(SHAPES)],
                texture=TEXTURES[k % len(TEXTURES)],
                hue=k / num_categories,
                sound=sound))
    return categories


# ---------------------------------------------------------------------------
# sounds
# ---------------------------------------------------------------------------
@functools.lru_cache(maxsize=32)
def _load_recording(path: str, sample_rate: int) -> np.ndarray:
    """A recording as mono float32 at ``sample_rate`` (cached, read-only)."""
    try:
        data, sr = sf.read(path, dtype='float32', always_2d=True)
    except Exception as e:  # noqa: BLE001 - re-raised with the path
        raise OSError(f'cannot read SynthAVS sound {path}: {e}') from e
    data = data.mean(axis=1)
    if sr != sample_rate:
        import librosa
        data = librosa.resample(
            data, orig_sr=sr, target_sr=sample_rate, res_type='soxr_hq')
    if len(data) < sample_rate:
        raise ValueError(f'SynthAVS sound {path} is shorter than 1 s '
                         f'({len(data) / sample_rate:.2f} s)')
    if not np.any(data):
        raise ValueError(f'SynthAVS sound {path} is all zeros')
    data = data.astype(np.float32)
    data.setflags(write=False)
    return data


class _SoundBank:
    """Mono recordings at the target rate with their loud 1 s windows."""

    target_rms = 0.08

    def __init__(self, categories: List[SynthCategory],
                 sample_rate: int) -> None:
        self.sample_rate = sample_rate
        self.signals = []
        self.starts = []
        for cat in categories:
            if cat.sound.startswith('synthetic:'):
                sig = self._synthetic(int(cat.sound.split(':')[1]))
            else:
                sig = self._load(cat.sound)
            starts, rms = self._loud_windows(sig)
            self.signals.append(
                (sig * (self.target_rms / rms)).astype(np.float32))
            self.starts.append(starts)

    def _load(self, path: str) -> np.ndarray:
        return _load_recording(path, self.sample_rate)

    def _synthetic(self, k: int) -> np.ndarray:
        """5 s harmonic tone with a category-specific pitch and beat."""
        sr = self.sample_rate
        t = np.arange(5 * sr) / sr
        f0 = 130.0 * 2.0**(k * 5 / 12 % 3)
        rate = 2.0 + (k * 1.7) % 6
        harm = sum(np.sin(2 * np.pi * f0 * h * t + h) / h for h in range(1, 7))
        env = 0.6 + 0.4 * np.sin(2 * np.pi * rate * t)
        return (harm * env).astype(np.float32)

    def _loud_windows(self, sig: np.ndarray) -> Tuple[np.ndarray, float]:
        """Start samples of the 1 s windows with RMS >= 0.5 x the loudest."""
        sr = self.sample_rate
        hop = sr // 20
        csum = np.concatenate([[0.0], np.cumsum(sig.astype(np.float64)**2)])
        starts = np.arange(0, len(sig) - sr + 1, hop)
        rms = np.sqrt((csum[starts + sr] - csum[starts]) / sr)
        keep = rms >= 0.5 * rms.max()
        return starts[keep], float(rms[keep].mean())

    def crop(self, index: int, rng: np.random.Generator,
             gain_db: Tuple[float, float]) -> Tuple[np.ndarray, dict]:
        """A random loud 1 s crop of sound ``index`` with a random gain."""
        sr = self.sample_rate
        start = int(rng.choice(self.starts[index]))
        gain = float(rng.uniform(*gain_db))
        crop = self.signals[index][start:start + sr] * 10.0**(gain / 20)
        return crop, dict(start_sample=start, gain_db=round(gain, 3))


# ---------------------------------------------------------------------------
# clips
# ---------------------------------------------------------------------------
@dataclass
class SynthObject:
    """One visible object of a clip.

    Args:
        category (int): 0-based category index.
        centers (np.ndarray): ``(T, 2)`` centre ``(x, y)`` per frame.
        radius (float): Radius of the circumscribed circle in pixels.
        angle (float): Rotation in degrees.
        colour (tuple): Base RGB colour.
        sounding (np.ndarray): ``(T,)`` bool, sounding per frame.
        cue (np.ndarray): ``(T,)`` bool, ring drawn per frame.
    """
    category: int
    centers: np.ndarray
    radius: float
    angle: float
    colour: Tuple[int, int, int]
    sounding: np.ndarray
    cue: np.ndarray


@dataclass
class SynthClip:
    """One generated clip (the in-memory form of SynthAVS).

    Attributes:
        name (str): Clip id (``name`` / ``video_id`` / ``uid``).
        layout (str): ``'s4'``, ``'ms3'`` or ``'avss'``.
        split (str): ``'train'``, ``'val'`` or ``'test'``.
        case (str): One of :data:`CASE_TYPES`.
        label (str): AVSS sub-set (``v1s``/``v1m``/``v2``), ``''`` otherwise.
        frames (np.ndarray): ``(T, H, W, 3)`` uint8 RGB frames.
        instances (np.ndarray): ``(T, H, W)`` uint8, ``i + 1`` on the pixels
            of visible object ``i``, 0 elsewhere.
        semantic (np.ndarray): ``(T, H, W)`` uint8, the class index
            (category + 1) of the sounding objects, 0 elsewhere.
        audio (np.ndarray): ``(T * sample_rate,)`` float32 mono waveform.
        sample_rate (int): Audio sample rate.
        objects (list[SynthObject]): Visible objects.
        offscreen (list[int]): Categories heard but not in view.
        audible (list[list[int]]): Per frame, the categories heard.
        sources (list[dict]): Audio crops used (category, second, start
            sample in the category's 16 kHz mono sound, gain).
        category (int): Primary category (first heard, else first visible).
    """
    name: str
    layout: str
    split: str
    case: str
    label: str
    frames: np.ndarray
    instances: np.ndarray
    semantic: np.ndarray
    audio: np.ndarray
    sample_rate: int
    objects: List[SynthObject]
    offscreen: List[int]
    audible: List[List[int]]
    sources: List[dict] = field(default_factory=list)
    category: int = 0

    @property
    def num_frames(self) -> int:
        """Number of frames ``T``."""
        return self.frames.shape[0]

    @property
    def masks(self) -> np.ndarray:
        """``(T, H, W)`` bool binary ground truth (sounding pixels)."""
        return self.semantic > 0

    @property
    def sounding(self) -> np.ndarray:
        """``(T, num_objects)`` bool, which visible object sounds when."""
        if not self.objects:
            return np.zeros((self.num_frames, 0), dtype=bool)
        return np.stack([o.sounding for o in self.objects], axis=1)


def _largest_remainder(mix: Dict[str, float], total: int,
                       keys: Sequence[str]) -> Dict[str, int]:
    """Integer counts summing to ``total`` proportional to ``mix``."""
    weights = np.array([float(mix.get(k, 0.0)) for k in keys])
    if (weights < 0).any() or weights.sum() <= 0:
        raise ValueError(f'proportions must be >= 0 with a positive sum, '
                         f'got {mix}')
    exact = weights / weights.sum() * total
    counts = np.floor(exact).astype(int)
    order = np.argsort(-(exact - counts), kind='stable')
    counts[order[:total - counts.sum()]] += 1
    return {k: int(c) for k, c in zip(keys, counts)}


def case_counts(case_mix: Dict[str, float], num_clips: int) -> Dict[str, int]:
    """Number of clips of each case type in a split of ``num_clips`` clips.

    Largest-remainder rounding of ``case_mix * num_clips`` (proportions are
    normalized), so each count is within 1 of its exact share.

    Args:
        case_mix (dict): Proportion per case type (missing types are 0).
        num_clips (int): Clips in the split.

    Returns:
        dict[str, int]: Count per case type of :data:`CASE_TYPES`.
    """
    unknown = set(case_mix) - set(CASE_TYPES)
    if unknown:
        raise KeyError(f'unknown SynthAVS case types {sorted(unknown)}; '
                       f'expected some of {CASE_TYPES}')
    return _largest_remainder(case_mix, num_clips, CASE_TYPES)


class SynthAVSGenerator:
    """Deterministic generator of SynthAVS clips (in memory).

    Every clip is drawn from its own random stream, seeded by
    ``(seed, layout, split, clip index)``, so a clip does not depend on the
    number of workers or on the other splits.

    Args:
        num_categories (int): Number of categories ``C``. Defaults to 5.
        image_size (int): Frame height and width in pixels. Defaults to 64.
        sample_rate (int): Audio sample rate. Defaults to 16000.
        seed (int): Random seed. Defaults to 0.
        audio_files (Sequence[str], optional): Recordings to use; ``None``
            uses ``shared/data/unseen_audio``, ``[]`` synthetic sounds only.
        case_mix (dict, optional): Per layout, the proportion of each case
            type (missing layouts use :data:`DEFAULT_CASE_MIX`).
        avss_label_mix (dict, optional): AVSS ``label`` proportions.
            Defaults to :data:`DEFAULT_AVSS_LABEL_MIX`.
        decoy_cue_prob (float): Probability that a silent object carries the
            ring cue in a non-lookalike clip. Defaults to 0.1.
        gain_db (tuple): Range of the random gain of each crop in dB.
        noise_floor_db (float): Level of the white noise added to every clip
            (dBFS, standard deviation). Defaults to -60.
    """

    def __init__(self,
                 num_categories: int = 5,
                 image_size: int = 64,
                 sample_rate: int = 16000,
                 seed: int = 0,
                 audio_files: Optional[Sequence[str]] = None,
                 case_mix: Optional[Dict[str, Dict[str, float]]] = None,
                 avss_label_mix: Optional[Dict[str, float]] = None,
                 decoy_cue_prob: float = 0.1,
                 gain_db: Tuple[float, float] = (-4.0, 2.0),
                 noise_floor_db: float = -60.0) -> None:
        if int(image_size) < 32:
            raise ValueError(f'image_size must be >= 32, got {image_size}')
        self.num_categories = int(num_categories)
        self.image_size = int(image_size)
        self.sample_rate = int(sample_rate)
        self.seed = int(seed)
        self.categories = build_categories(self.num_categories, audio_files)
        self.case_mix = {k: dict(v) for k, v in DEFAULT_CASE_MIX.items()}
        for layout, mix in (case_mix or {}).items():
            if layout not in LAYOUTS:
                raise KeyError(f'case_mix: unknown layout {layout!r}, '
                               f'expected one of {LAYOUTS}')
            case_counts(mix, 1)  # validates the keys
            self.case_mix[layout] = {
                c: float(mix.get(c, 0.0))
                for c in CASE_TYPES
            }
        if self.case_mix['s4'].get('multi_source', 0) > 0:
            raise ValueError('the single-source s4 layout cannot hold '
                             'multi_source clips; set its proportion to 0')
        self.avss_label_mix = dict(avss_label_mix or DEFAULT_AVSS_LABEL_MIX)
        unknown = set(self.avss_label_mix) - set(AVSS_LABEL_FRAMES)
        if unknown:
            raise KeyError(f'avss_label_mix: unknown labels {sorted(unknown)}'
                           f', expected some of {tuple(AVSS_LABEL_FRAMES)}')
        self.decoy_cue_prob = float(decoy_cue_prob)
        self.gain_db = (float(gain_db[0]), float(gain_db[1]))
        self.noise_floor_db = float(noise_floor_db)
        self.sounds = _SoundBank(self.categories, self.sample_rate)
        s = self.image_size
        self.yy, self.xx = np.mgrid[0:s, 0:s].astype(np.float32)

    # -- public API -------------------------------------------------------
    @property
    def class_names(self) -> Tuple[str, ...]:
        """Semantic class names, ``('background', *categories)``."""
        return ('background', ) + tuple(c.name for c in self.categories)

    def split_plan(self, layout: str, split: str,
                   num_clips: int) -> List[Tuple[str, str]]:
        """The ``(case, avss_label)`` of each clip of a split, in order.

        Args:
            layout (str): One of :data:`LAYOUTS`.
            split (str): One of :data:`SPLITS`.
            num_clips (int): Number of clips.

        Returns:
            list[tuple[str, str]]: Case type and AVSS label (``''`` for v1
            layouts) per clip.
        """
        self._check_layout_split(layout, split)
        counts = case_counts(self.case_mix[layout], num_clips)
        cases = [c for c in CASE_TYPES for _ in range(counts[c])]
        rng = np.random.default_rng(self._seed_seq(layout, split, -1))
        cases = [cases[i] for i in rng.permutation(len(cases))]
        if layout != 'avss':
            return [(c, '') for c in cases]
        label_counts = _largest_remainder(self.avss_label_mix, num_clips,
                                          tuple(AVSS_LABEL_FRAMES))
        labels = [k for k in AVSS_LABEL_FRAMES for _ in range(label_counts[k])]
        labels = [labels[i] for i in rng.permutation(len(labels))]
        return list(zip(cases, labels))

    def generate(self, layout: str, split: str,
                 num_clips: int) -> List[SynthClip]:
        """Generate the clips of one split in memory.

        Args:
            layout (str): One of :data:`LAYOUTS`.
            split (str): One of :data:`SPLITS`.
            num_clips (int): Number of clips.

        Returns:
            list[SynthClip]: The clips.
        """
        plan = self.split_plan(layout, split, num_clips)
        return [
            self.make_clip(layout, split, i, case, label)
            for i, (case, label) in enumerate(plan)
        ]

    def clip_name(self, layout: str, split: str, index: int) -> str:
        """The id of clip ``index`` of a split, e.g. ``ms3_val_0007``."""
        return f'{layout}_{split}_{index:04d}'

    def make_clip(self,
                  layout: str,
                  split: str,
                  index: int,
                  case: str,
                  label: str = '') -> SynthClip:
        """Generate one clip.

        Args:
            layout (str): One of :data:`LAYOUTS`.
            split (str): One of :data:`SPLITS`.
            index (int): Clip index in the split (seeds its random stream).
            case (str): One of :data:`CASE_TYPES`.
            label (str): AVSS sub-set (sets ``T``: 10 for ``v2``, else 5).

        Returns:
            SynthClip: The clip.
        """
        self._check_layout_split(layout, split)
        if case not in CASE_TYPES:
            raise KeyError(f'unknown case type {case!r}, expected one of '
                           f'{CASE_TYPES}')
        if layout == 'avss' and label not in AVSS_LABEL_FRAMES:
            raise KeyError(f'AVSS clips need a label in '
                           f'{tuple(AVSS_LABEL_FRAMES)}, got {label!r}')
        num_frames = AVSS_LABEL_FRAMES[label] if layout == 'avss' else 5
        rng = np.random.default_rng(self._seed_seq(layout, split, index))
        plan, offscreen = self._plan_case(
            rng, case, num_frames, single_source=layout == 's4')
        objects = self._place_objects(rng, plan, num_frames)
        frames, instances = self._render(rng, objects, num_frames)
        semantic = np.zeros_like(instances)
        for i, obj in enumerate(objects):
            cls = self.categories[obj.category].class_index
            on = obj.sounding[:, None, None] & (instances == i + 1)
            semantic[on] = cls
        audible = [
            sorted({o.category
                    for o in objects if o.sounding[t]}
                   | {c
                      for c, s in offscreen if s[t]})
            for t in range(num_frames)
        ]
        audio, sources = self._render_audio(rng, audible)
        heard = [c for frame in audible for c in frame]
        primary = heard[0] if heard else objects[0].category
        return SynthClip(
            name=self.clip_name(layout, split, index),
            layout=layout,
            split=split,
            case=case,
            label=label,
            frames=frames,
            instances=instances,
            semantic=semantic,
            audio=audio,
            sample_rate=self.sample_rate,
            objects=objects,
            offscreen=[c for c, _ in offscreen],
            audible=audible,
            sources=sources,
            category=primary)

    # -- planning ------------------------------------------------------------
    def _seed_seq(self, layout: str, split: str,
                  index: int) -> np.random.SeedSequence:
        return np.random.SeedSequence(
            [self.seed,
             LAYOUTS.index(layout),
             SPLITS.index(split), index + 1])

    @staticmethod
    def _check_layout_split(layout: str, split: str) -> None:
        if layout not in LAYOUTS:
            raise KeyError(f'unknown SynthAVS layout {layout!r}, expected '
                           f'one of {LAYOUTS}')
        if split not in SPLITS:
            raise KeyError(f'unknown split {split!r}, expected one of '
                           f'{SPLITS}')

    def _plan_case(self, rng: np.random.Generator, case: str, T: int,
                   single_source: bool):
        """Objects ``(category, sounding[T], cue[T])`` and off-screen sounds.
        """
        C = self.num_categories
        on, off = np.ones(T, dtype=bool), np.zeros(T, dtype=bool)

        def n_visible(low, high):
            return int(rng.integers(low, min(high, C) + 1))

        objects, offscreen = [], []
        if case == 'single':
            objects = [[int(rng.integers(C)), on.copy(), off.copy()]]
        elif case in ('multi_some_sounding', 'multi_source'):
            n = n_visible(2, 3)
            cats = rng.choice(C, n, replace=False)
            if case == 'multi_some_sounding':
                k = 1 if single_source else int(rng.integers(1, n))
            else:
                k = int(rng.integers(2, n + 1))
            objects = [[
                int(c), on.copy() if j < k else off.copy(),
                off.copy()
            ] for j, c in enumerate(cats)]
        elif case == 'lookalike':
            cats = rng.choice(C, 2, replace=False)
            twin = int(rng.integers(2))
            objects = [[
                int(cats[0]),
                on.copy() if j == twin else off.copy(),
                on.copy() if j == twin else off.copy()
            ] for j in range(2)]
            if rng.random() < 0.5:
                objects.append([int(cats[1]), off.copy(), off.copy()])
        elif case == 'state_switch':
            n = n_visible(1, 2)
            cats = rng.choice(C, n, replace=False)
            pattern = np.zeros(T, dtype=bool)
            while pattern.all() or not pattern.any():
                pattern = rng.random(T) < 0.5
            objects = [[
                int(c),
                pattern.copy() if j == 0 else off.copy(),
                off.copy()
            ] for j, c in enumerate(cats)]
        elif case in ('offscreen', 'silence'):
            n = n_visible(1, 2)
            if case == 'offscreen':
                n = min(n, C - 1)
            cats = rng.choice(C, n + 1, replace=False)
            objects = [[int(c), off.copy(), off.copy()] for c in cats[:n]]
            if case == 'offscreen':
                offscreen = [(int(cats[n]), on.copy())]
        if case != 'lookalike' and rng.random() < self.decoy_cue_prob:
            silent = [o for o in objects if not o[1].any()]
            if silent:
                silent[int(rng.integers(len(silent)))][2] = on.copy()
        order = rng.permutation(len(objects))
        return [objects[i] for i in order], offscreen

    def _place_objects(self, rng: np.random.Generator, plan: list,
                       T: int) -> List[SynthObject]:
        """Non-overlapping, slowly moving objects (rejection sampling)."""
        s = self.image_size
        gap = max(3.0, 0.07 * s)  # room for the cue ring between objects
        for _ in range(500):
            radii = rng.uniform(0.12 * s, 0.19 * s, len(plan))
            tracks = []
            for r in radii:
                lo, hi = r + gap / 2, s - 1 - r - gap / 2
                start = rng.uniform(lo, hi, 2)
                end = np.clip(start + rng.uniform(-0.1 * s, 0.1 * s, 2), lo,
                              hi)
                w = np.linspace(0, 1, T)[:, None]
                tracks.append(start * (1 - w) + end * w)
            ok = True
            for i in range(len(plan)):
                for j in range(i):
                    d = np.linalg.norm(tracks[i] - tracks[j], axis=1)
                    if (d < radii[i] + radii[j] + gap).any():
                        ok = False
            if ok:
                break
        else:
            raise RuntimeError(
                f'SynthAVS could not place {len(plan)} objects without '
                f'overlap in a {s}x{s} frame; use a larger image_size')
        objects = []
        for (cat, sounding, cue), r, track in zip(plan, radii, tracks):
            hue = (self.categories[cat].hue + rng.uniform(-0.02, 0.02)) % 1
            rgb = colorsys.hsv_to_rgb(hue, rng.uniform(0.75, 1.0),
                                      rng.uniform(0.8, 1.0))
            objects.append(
                SynthObject(
                    category=cat,
                    centers=track.astype(np.float32),
                    radius=float(r),
                    angle=float(rng.uniform(-10, 10)),
                    colour=tuple(int(round(255 * v)) for v in rgb),
                    sounding=sounding,
                    cue=cue))
        return objects

    # -- rendering -----------------------------------------------------------
    def _shape_mask(self, shape: str, cx: float, cy: float, r: float,
                    angle: float) -> np.ndarray:
        s = self.image_size
        mask = np.zeros((s, s), dtype=np.uint8)
        a = np.deg2rad(angle)

        def poly(pts):
            pts = np.asarray(pts, dtype=np.float64)
            rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
            pts = pts @ rot.T * r + [cx, cy]
            return np.round(pts * 16).astype(np.int32)

        def regular(n, radius=1.0, phase=-np.pi / 2):
            t = phase + 2 * np.pi * np.arange(n) / n
            return np.stack([np.cos(t), np.sin(t)], 1) * radius

        if shape in ('circle', 'ring'):
            cv2.fillPoly(mask, [poly(regular(48))], 1, cv2.LINE_8, 4)
            if shape == 'ring':
                cv2.fillPoly(mask, [poly(regular(48, 0.5))], 0, cv2.LINE_8, 4)
        elif shape == 'square':
            cv2.fillPoly(mask, [poly(regular(4, 1.0, np.pi / 4))], 1,
                         cv2.LINE_8, 4)
        elif shape == 'triangle':
            cv2.fillPoly(mask, [poly(regular(3))], 1, cv2.LINE_8, 4)
        elif shape == 'diamond':
            cv2.fillPoly(mask, [poly(regular(4))], 1, cv2.LINE_8, 4)
        elif shape == 'hexagon':
            cv2.fillPoly(mask, [poly(regular(6))], 1, cv2.LINE_8, 4)
        elif shape == 'star':
            pts = regular(10)
            pts[1::2] *= 0.45
            cv2.fillPoly(mask, [poly(pts)], 1, cv2.LINE_8, 4)
        elif shape == 'cross':
            w, L = 0.36, 0.98
            pts = [(-w, -L), (w, -L), (w, -w), (L, -w), (L, w), (w, w), (w, L),
                   (-w, L), (-w, w), (-L, w), (-L, -w), (-w, -w)]
            cv2.fillPoly(mask, [poly(pts)], 1, cv2.LINE_8, 4)
        else:
            raise KeyError(f'unknown shape {shape!r}, expected one of '
                           f'{SHAPES}')
        return mask.astype(bool)

    def _texture(self, texture: str, cx: float, cy: float,
                 angle: float) -> np.ndarray:
        """Bool pattern over the frame (True = base colour)."""
        a = np.deg2rad(angle)
        u0, v0 = self.xx - cx, self.yy - cy
        u = np.cos(a) * u0 + np.sin(a) * v0
        v = -np.sin(a) * u0 + np.cos(a) * v0
        w = max(2.0, self.image_size / 32)
        if texture == 'solid':
            return np.ones_like(u, dtype=bool)
        if texture == 'hstripes':
            return np.floor(v / w) % 2 == 0
        if texture == 'vstripes':
            return np.floor(u / w) % 2 == 0
        if texture == 'checker':
            return (np.floor(u / (1.5 * w)) + np.floor(v / (1.5 * w))) % 2 == 0
        if texture == 'diagonal':
            return np.floor((u + v) / (1.5 * w)) % 2 == 0
        if texture == 'dots':
            p = 2.5 * w
            du = np.mod(u, p) - p / 2
            dv = np.mod(v, p) - p / 2
            return du**2 + dv**2 > (0.3 * p)**2
        raise KeyError(f'unknown texture {texture!r}, expected one of '
                       f'{TEXTURES}')

    def _render(self, rng: np.random.Generator, objects: List[SynthObject],
                T: int) -> Tuple[np.ndarray, np.ndarray]:
        s = self.image_size
        # background: dull tinted colour + smooth blobs + per-frame grain
        base = np.array(
            colorsys.hsv_to_rgb(rng.random(), rng.uniform(0, 0.2),
                                rng.uniform(0.25, 0.55))) * 255
        blobs = cv2.resize(
            rng.normal(0, 14, (4, 4, 3)).astype(np.float32), (s, s),
            interpolation=cv2.INTER_CUBIC)
        background = base[None, None] + blobs
        frames = np.empty((T, s, s, 3), dtype=np.uint8)
        instances = np.zeros((T, s, s), dtype=np.uint8)
        ring_gap = max(2, round(s / 32))
        thick = max(1, round(s / 64))
        for t in range(T):
            img = background.copy()
            for obj in objects:  # rings first: objects are drawn over them
                if obj.cue[t]:
                    cx, cy = obj.centers[t]
                    rad = obj.radius + ring_gap + (t % 2) * thick
                    ring = np.zeros((s, s), dtype=np.uint8)
                    cv2.circle(ring,
                               (int(round(cx * 16)), int(round(cy * 16))),
                               int(round(rad * 16)), 1, thick, cv2.LINE_8, 4)
                    img[ring.astype(bool)] = 255
            for i, obj in enumerate(objects):
                cat = self.categories[obj.category]
                cx, cy = obj.centers[t]
                mask = self._shape_mask(cat.shape, cx, cy, obj.radius,
                                        obj.angle)
                pattern = self._texture(cat.texture, cx, cy, obj.angle)
                colour = np.array(obj.colour, dtype=np.float32)
                texel = np.where(pattern[..., None], colour, 0.45 * colour)
                img[mask] = texel[mask]
                instances[t][mask] = i + 1
            img += rng.normal(0, 3, img.shape)
            frames[t] = np.clip(np.round(img), 0, 255).astype(np.uint8)
        return frames, instances

    def _render_audio(self, rng: np.random.Generator,
                      audible: List[List[int]]) -> Tuple[np.ndarray, list]:
        sr = self.sample_rate
        T = len(audible)
        audio = np.zeros(T * sr, dtype=np.float32)
        fade = np.ones(sr, dtype=np.float32)
        n = sr // 100  # 10 ms raised-cosine fades against clicks
        ramp = 0.5 - 0.5 * np.cos(np.pi * np.arange(n) / n)
        fade[:n], fade[-n:] = ramp, ramp[::-1]
        sources = []
        for t, cats in enumerate(audible):
            for c in cats:
                crop, rec = self.sounds.crop(c, rng, self.gain_db)
                audio[t * sr:(t + 1) * sr] += crop * fade
                sources.append(
                    dict(category=self.categories[c].name, second=t, **rec))
        audio += rng.normal(0, 10**(self.noise_floor_db / 20),
                            audio.shape).astype(np.float32)
        peak = float(np.abs(audio).max())
        if peak > 0.95:
            audio *= 0.95 / peak
        return audio.astype(np.float32), sources


# ---------------------------------------------------------------------------
# writing the official layouts
# ---------------------------------------------------------------------------
def _join(items) -> str:
    items = [str(i) for i in items]
    return '+'.join(items) if items else '-'


def _extra_fields(clip: SynthClip, names: Sequence[str]) -> dict:
    T = clip.num_frames
    return dict(
        case=clip.case,
        num_frames=T,
        objects=_join(names[o.category] for o in clip.objects),
        sounding='|'.join(
            _join(i for i, o in enumerate(clip.objects) if o.sounding[t])
            for t in range(T)),
        audible='|'.join(
            _join(names[c] for c in frame) for frame in clip.audible),
        cue=_join(i for i, o in enumerate(clip.objects) if o.cue.any()))


def _clip_record(clip: SynthClip, names: Sequence[str]) -> dict:
    return dict(
        name=clip.name,
        split=clip.split,
        case=clip.case,
        label=clip.label,
        num_frames=clip.num_frames,
        category=names[clip.category],
        objects=[
            dict(
                category=names[o.category],
                radius=round(o.radius, 3),
                centers=np.round(o.centers, 3).tolist(),
                angle=round(o.angle, 3),
                colour=list(o.colour),
                sounding=o.sounding.astype(int).tolist(),
                cue=o.cue.astype(int).tolist()) for o in clip.objects
        ],
        offscreen=[names[c] for c in clip.offscreen],
        audible=[[names[c] for c in frame] for frame in clip.audible],
        audio_sources=clip.sources)


def _write_clip(root: str,
                clip: SynthClip,
                names: Sequence[str],
                all_train_masks: bool,
                write_log_mel: bool = False) -> dict:
    """Write one clip into its layout; return its metadata CSV row."""
    T = clip.num_frames
    extra = _extra_fields(clip, names)
    first_only = clip.split == 'train' and not all_train_masks and (
        clip.layout == 's4' or clip.label == 'v1s')
    masks = clip.semantic if clip.layout == 'avss' else clip.masks
    masks = [
        m if t == 0 or not first_only else None for t, m in enumerate(masks)
    ]
    if clip.layout == 'avss':
        clip_dir = osp.join(root, LAYOUT_DIRS['avss'], clip.label, clip.name)
        # JPEG frames as in AVSS, without chroma subsampling so that the
        # small saturated objects keep their colours
        os.makedirs(osp.join(clip_dir, 'frames'), exist_ok=True)
        for t, frame in enumerate(clip.frames):
            path = osp.join(clip_dir, 'frames', f'{t}.jpg')
            if not cv2.imwrite(path, np.ascontiguousarray(frame[..., ::-1]),
                               JPEG_PARAMS):
                raise OSError(f'could not write image {path}')
        write_avss_clip(
            osp.join(root, LAYOUT_DIRS['avss']),
            clip.name,
            clip.label, [],
            masks,
            clip.audio,
            clip.sample_rate,
            num_classes=max(71,
                            len(names) + 1))
        heard = sorted({o.category for o in clip.objects if o.sounding.any()})
        return dict(
            vid=clip.name,
            uid=clip.name,
            s_min=0,
            s_sec=0,
            a_obj=_join(names[c] for c in heard),
            split=clip.split,
            label=clip.label,
            **extra)
    if clip.layout == 's4':
        cat = names[clip.category]
        write_s4_clip(root, clip.name, cat, clip.split, clip.frames, masks,
                      clip.audio, clip.sample_rate)
        row = dict(
            name=clip.name, start=0, category=cat, split=clip.split, **extra)
        sub = osp.join(LAYOUT_DIRS['s4'], 's4_data', '{}', clip.split, cat,
                       clip.name)
    else:
        write_ms3_clip(root, clip.name, clip.split, clip.frames, masks,
                       clip.audio, clip.sample_rate)
        row = dict(video_id=clip.name, split=clip.split, **extra)
        sub = osp.join(LAYOUT_DIRS['ms3'], 'ms3_data', '{}', clip.split,
                       clip.name)
    if write_log_mel:
        wav = osp.join(root, sub.format('audio_wav') + '.wav')
        write_log_mel_pkl(
            osp.join(root,
                     sub.format('audio_log_mel') + '.pkl'),
            _vggish_examples(wav, T))
    return row


_WORKER = {}


def _worker_job(job: Tuple[str, str, int, str, str]) -> Tuple[dict, dict]:
    gen = _WORKER['gen']
    layout, split, index, case, label = job
    clip = gen.make_clip(layout, split, index, case, label)
    row = _write_clip(_WORKER['root'], clip, _WORKER['names'],
                      _WORKER['all_train_masks'], _WORKER['write_log_mel'])
    return row, _clip_record(clip, _WORKER['names'])


def _vggish_examples(wav_path: str, num_frames: int) -> np.ndarray:
    """The official ``audio_log_mel`` content: ``[T, 96, 64]`` VGGish
    log-mel examples of the written (16-bit) wav, as the AVSBench
    preprocessing computes them; a short result is padded with its last
    example."""
    from mmavs.datasets.audio_utils import (load_audio,
                                            waveform_to_vggish_examples)
    audio, sr = load_audio(wav_path)
    examples = waveform_to_vggish_examples(audio, sr, source=wav_path)
    if len(examples) < num_frames:
        pad = np.repeat(examples[-1:], num_frames - len(examples), axis=0)
        examples = np.concatenate([examples, pad])
    return examples[:num_frames]


def synthavs_params(layouts: Sequence[str] = LAYOUTS,
                    seed: int = 0,
                    num_train: int = DEFAULT_SPLIT_SIZES['train'],
                    num_val: int = DEFAULT_SPLIT_SIZES['val'],
                    num_test: int = DEFAULT_SPLIT_SIZES['test'],
                    image_size: int = 64,
                    num_categories: int = 5,
                    sample_rate: int = 16000,
                    case_mix: Optional[Dict[str, Dict[str, float]]] = None,
                    avss_label_mix: Optional[Dict[str, float]] = None,
                    decoy_cue_prob: float = 0.1,
                    all_train_masks: bool = False,
                    write_log_mel: bool = False,
                    audio_files: Optional[Sequence[str]] = None) -> dict:
    """The normalized generation parameters (what the stamp file records).

    Args: see :func:`generate_synthavs`.

    Returns:
        dict: JSON-serializable parameters, including the version and the
        identity (name, size) of the recordings used.
    """
    layouts = tuple(layouts)
    for layout in layouts:
        if layout not in LAYOUTS:
            raise KeyError(f'unknown SynthAVS layout {layout!r}, expected '
                           f'some of {LAYOUTS}')
    if audio_files is None:
        from mmavs.utils.paths import unseen_audio_files
        audio_files = unseen_audio_files()
    mix = {k: dict(v) for k, v in DEFAULT_CASE_MIX.items()}
    for layout, m in (case_mix or {}).items():
        mix[layout] = {c: float(m.get(c, 0.0)) for c in CASE_TYPES}
    return dict(
        version=SYNTHAVS_VERSION,
        layouts=sorted(set(layouts), key=LAYOUTS.index),
        seed=int(seed),
        sizes=dict(train=int(num_train), val=int(num_val), test=int(num_test)),
        image_size=int(image_size),
        num_categories=int(num_categories),
        sample_rate=int(sample_rate),
        case_mix={k: mix[k]
                  for k in layouts},
        avss_label_mix=dict(avss_label_mix or DEFAULT_AVSS_LABEL_MIX),
        decoy_cue_prob=float(decoy_cue_prob),
        all_train_masks=bool(all_train_masks),
        write_log_mel=bool(write_log_mel),
        audio_files=sorted([osp.basename(f), osp.getsize(f)]
                           for f in audio_files))


def generate_synthavs(out_dir: str,
                      layouts: Sequence[str] = LAYOUTS,
                      seed: int = 0,
                      num_train: int = DEFAULT_SPLIT_SIZES['train'],
                      num_val: int = DEFAULT_SPLIT_SIZES['val'],
                      num_test: int = DEFAULT_SPLIT_SIZES['test'],
                      image_size: int = 64,
                      num_categories: int = 5,
                      sample_rate: int = 16000,
                      case_mix: Optional[Dict[str, Dict[str, float]]] = None,
                      avss_label_mix: Optional[Dict[str, float]] = None,
                      decoy_cue_prob: float = 0.1,
                      all_train_masks: bool = False,
                      write_log_mel: bool = False,
                      audio_files: Optional[Sequence[str]] = None,
                      num_workers: int = 0,
                      overwrite: bool = False) -> dict:
    """Generate SynthAVS into ``out_dir`` in the official layouts.

    Writes, below ``out_dir``:

    - ``Single-source/s4_meta_data.csv`` and ``Single-source/s4_data/
      {visual_frames,gt_masks}/{split}/{category}/{name}/{name}_{1..5}.png``,
      ``audio_wav/{split}/{category}/{name}.wav`` (train: only mask 1, as
      in AVSBench, unless ``all_train_masks``);
    - ``Multi-sources/ms3_meta_data.csv``, ``Multi-sources/ms3_data/
      visual_frames/{vid}/{vid}.mp4_{1..5}.png``, ``gt_masks/{split}/{vid}/
      {vid}_{1..5}.png``, ``audio_wav/{split}/{vid}.wav``;
    - ``AVSS/metadata.csv``, ``AVSS/label2idx.json`` and ``AVSS/{label}/
      {uid}/frames/{i}.jpg``, ``labels_rgb/{i}.png``, ``audio.wav`` (``v1s``
      train: only ``0.png``, unless ``all_train_masks``);
    - ``synthavs_clips.json`` per layout and ``synthavs_stamp.json``.

    Args:
        out_dir (str): Output root (``data/synthavs`` in the configs).
        layouts (Sequence[str]): Layouts to write, from :data:`LAYOUTS`.
        seed (int): Random seed. Defaults to 0.
        num_train (int): Train clips per layout. Defaults to 320.
        num_val (int): Val clips per layout. Defaults to 80.
        num_test (int): Test clips per layout. Defaults to 80.
        image_size (int): Frame size in pixels (square). Defaults to 64.
        num_categories (int): Number of categories. Defaults to 5.
        sample_rate (int): Audio sample rate. Defaults to 16000.
        case_mix (dict, optional): Case proportions per layout.
        avss_label_mix (dict, optional): AVSS ``label`` proportions.
        decoy_cue_prob (float): See :class:`SynthAVSGenerator`.
        all_train_masks (bool): Write every train mask, not only the first
            one of ``s4`` / AVSS ``v1s`` clips. The mmavs readers follow the
            official annotation flags and still use only the first one.
            Defaults to False.
        write_log_mel (bool): Also write the official VGGish log-mel
            ``audio_log_mel/*.pkl`` of ``s4``/``ms3``. Defaults to False.
        audio_files (Sequence[str], optional): Recordings (see
            :func:`build_categories`).
        num_workers (int): Worker processes (0: in this process). The
            output does not depend on it.
        overwrite (bool): Replace existing layout folders. Defaults to False.

    Returns:
        dict: The stamp (parameters, categories, counts, seconds taken).
    """
    t0 = time.time()
    params = synthavs_params(layouts, seed, num_train, num_val, num_test,
                             image_size, num_categories, sample_rate, case_mix,
                             avss_label_mix, decoy_cue_prob, all_train_masks,
                             write_log_mel, audio_files)
    for layout in params['layouts']:
        path = osp.join(out_dir, LAYOUT_DIRS[layout])
        if osp.exists(path):
            if not overwrite:
                raise FileExistsError(
                    f'{path} exists; pass overwrite=True (--overwrite) to '
                    'replace it')
            shutil.rmtree(path)
    os.makedirs(out_dir, exist_ok=True)
    gen = SynthAVSGenerator(
        num_categories=num_categories,
        image_size=image_size,
        sample_rate=sample_rate,
        seed=seed,
        audio_files=audio_files,
        case_mix=case_mix,
        avss_label_mix=avss_label_mix,
        decoy_cue_prob=decoy_cue_prob)
    names = [c.name for c in gen.categories]
    palette = avss_palette(max(71, num_categories + 1))
    _WORKER.update(
        gen=gen,
        root=out_dir,
        names=names,
        all_train_masks=all_train_masks,
        write_log_mel=write_log_mel)
    jobs = []
    for layout in params['layouts']:
        for split in SPLITS:
            plan = gen.split_plan(layout, split, params['sizes'][split])
            jobs += [(layout, split, i, case, label)
                     for i, (case, label) in enumerate(plan)]
    try:
        if num_workers > 0:
            import multiprocessing as mp
            ctx = mp.get_context('fork')
            with ctx.Pool(num_workers) as pool:
                results = pool.map(_worker_job, jobs, chunksize=16)
        else:
            results = [_worker_job(job) for job in jobs]
    finally:
        _WORKER.clear()
    counts = {}
    for layout in params['layouts']:
        records = [
            rec for (_, rec), job in zip(results, jobs) if job[0] == layout
        ]
        csv_rows = [
            row for (row, _), job in zip(results, jobs) if job[0] == layout
        ]
        layout_dir = osp.join(out_dir, LAYOUT_DIRS[layout])
        columns, csv_name = {
            's4': (S4_COLUMNS, 's4_meta_data.csv'),
            'ms3': (MS3_COLUMNS, 'ms3_meta_data.csv'),
            'avss': (AVSS_COLUMNS, 'metadata.csv'),
        }[layout]
        write_csv(osp.join(layout_dir, csv_name), columns, csv_rows)
        with open(osp.join(layout_dir, CLIPS_JSON), 'w') as f:
            json.dump(records, f, indent=1)
        if layout == 'avss':
            with open(osp.join(layout_dir, 'label2idx.json'), 'w') as f:
                json.dump({
                    n: i
                    for i, n in enumerate(gen.class_names)
                },
                          f,
                          indent=1)
        counts[layout] = {
            split: {
                case:
                sum(1 for r in records
                    if r['split'] == split and r['case'] == case)
                for case in CASE_TYPES
            }
            for split in SPLITS
        }
    stamp = dict(
        params=params,
        categories=[
            dict(
                name=c.name,
                class_index=c.class_index,
                shape=c.shape,
                texture=c.texture,
                hue=round(c.hue, 4),
                sound=osp.basename(c.sound),
                palette_rgb=palette[c.class_index].tolist())
            for c in gen.categories
        ],
        counts=counts)
    with open(osp.join(out_dir, STAMP_FILE), 'w') as f:
        json.dump(stamp, f, indent=1)
    stamp['seconds'] = round(time.time() - t0, 2)
    return stamp


def default_synthavs_root() -> str:
    """``data/synthavs`` below the mmavs checkout (the configs' path)."""
    from mmavs.utils.paths import repo_root
    return osp.join(repo_root(), 'data', 'synthavs')


def _read_stamp(root: str) -> Optional[dict]:
    try:
        with open(osp.join(root, STAMP_FILE)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def _layout_complete(root: str, layout: str) -> bool:
    csv_name = {
        's4': 's4_meta_data.csv',
        'ms3': 'ms3_meta_data.csv',
        'avss': 'metadata.csv'
    }[layout]
    return osp.isfile(osp.join(root, LAYOUT_DIRS[layout], csv_name))


@contextlib.contextmanager
def _file_lock(path: str):
    with open(path, 'a') as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def ensure_synthavs(root: Optional[str] = None, **kwargs) -> str:
    """Generate SynthAVS into ``root`` unless it is there with these params.

    Idempotent and safe: the tree is generated into a temporary sibling
    folder and renamed into place (under an exclusive lock, so concurrent
    callers generate it once); the stamp file ``synthavs_stamp.json``
    records the parameters, and a tree with other parameters (or another
    generator version) is regenerated.

    Args:
        root (str, optional): Target folder. Defaults to
            :func:`default_synthavs_root` (``<repo>/data/synthavs``).
        **kwargs: Parameters of :func:`generate_synthavs` (except
            ``out_dir`` and ``overwrite``).

    Returns:
        str: ``root``.
    """
    root = osp.abspath(root or default_synthavs_root())
    allowed = set(inspect.signature(generate_synthavs).parameters) - {
        'out_dir', 'overwrite'
    }
    unknown = sorted(set(kwargs) - allowed)
    if unknown:
        raise TypeError(f'ensure_synthavs() got unexpected argument(s) '
                        f'{unknown}; expected some of {sorted(allowed)}')
    param_keys = inspect.signature(synthavs_params).parameters
    wanted = synthavs_params(**{
        k: v
        for k, v in kwargs.items() if k in param_keys
    })

    def up_to_date():
        stamp = _read_stamp(root)
        return (stamp is not None and stamp.get('params') == wanted and all(
            _layout_complete(root, lay) for lay in wanted['layouts']))

    if up_to_date():
        return root
    parent = osp.dirname(root)
    os.makedirs(parent, exist_ok=True)
    with _file_lock(root + '.lock'):
        if up_to_date():  # another process made it while we waited
            return root
        tmp = tempfile.mkdtemp(prefix=osp.basename(root) + '.tmp-', dir=parent)
        try:
            generate_synthavs(tmp, **kwargs)
            old = None
            if osp.exists(root):
                old = tempfile.mkdtemp(
                    prefix=osp.basename(root) + '.old-', dir=parent)
                os.rename(root, osp.join(old, 'tree'))
            os.rename(tmp, root)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        finally:
            if osp.exists(tmp):
                shutil.rmtree(tmp, ignore_errors=True)
    return root
