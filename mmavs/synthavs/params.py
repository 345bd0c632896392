# Copyright (c) mmavs contributors. All rights reserved.
"""The parameters of a SynthAVS tree (one dataclass) and its constants."""
import os.path as osp
from dataclasses import asdict, dataclass, field, fields
from typing import Dict, Optional, Sequence, Tuple

import numpy as np

__all__ = [
    'SYNTHAVS_VERSION', 'CASE_TYPES', 'HARD_CASES', 'LAYOUTS', 'LAYOUT_DIRS',
    'LAYOUT_CSVS', 'SPLITS', 'DEFAULT_CASE_MIX', 'DEFAULT_AVSS_LABEL_MIX',
    'AVSS_LABEL_FRAMES', 'DEFAULT_SPLIT_SIZES', 'SynthAVSParams',
    'case_counts', 'largest_remainder'
]

#: Generator version: a tree made by another version is regenerated.
SYNTHAVS_VERSION = '2.0'

#: The case types, in the order used by metadata and reports.
CASE_TYPES = ('single', 'multi_some_sounding', 'lookalike', 'state_switch',
              'multi_source', 'offscreen', 'silence')

#: The cases in which some visible objects are silent while others sound:
#: only the audio tells which (see :mod:`mmavs.synthavs.scene`).
HARD_CASES = ('multi_some_sounding', 'lookalike', 'state_switch')

#: The layouts SynthAVS writes.
LAYOUTS = ('s4', 'ms3', 'avss')

#: Official sub-folder of each layout below the SynthAVS root.
LAYOUT_DIRS = {'s4': 'Single-source', 'ms3': 'Multi-sources', 'avss': 'AVSS'}

#: Metadata CSV of each layout, relative to its sub-folder.
LAYOUT_CSVS = {
    's4': 's4_meta_data.csv',
    'ms3': 'ms3_meta_data.csv',
    'avss': 'metadata.csv'
}

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

DEFAULT_SPLIT_SIZES = {'train': 640, 'val': 80, 'test': 80}


def largest_remainder(mix: Dict[str, float], total: int,
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
    return largest_remainder(case_mix, num_clips, CASE_TYPES)


@dataclass(frozen=True)
class SynthAVSParams:
    """Everything a SynthAVS tree depends on (what its stamp records).

    Build it with keyword arguments; it is validated and normalized on
    construction (``case_mix`` becomes the full per-layout table, tuples
    replace lists), so two equal parameter sets compare equal.

    Args:
        layouts (Sequence[str]): Layouts to write, from :data:`LAYOUTS`.
        seed (int): Random seed. Defaults to 0.
        num_train (int): Train clips per layout. Defaults to 640.
        num_val (int): Val clips per layout. Defaults to 80.
        num_test (int): Test clips per layout. Defaults to 80.
        image_size (int): Frame size in pixels (square, >= 32). Defaults
            to 64.
        num_categories (int): Number of categories ``C``. Defaults to 8.
        num_levels (int): Pitch / brightness levels (>= 2; the binding of
            :mod:`mmavs.synthavs.scene`). Defaults to 3.
        sample_rate (int): Audio sample rate. Defaults to 16000.
        case_mix (dict, optional): Case proportions per layout (missing
            layouts use :data:`DEFAULT_CASE_MIX`).
        avss_label_mix (dict, optional): AVSS ``label`` proportions.
            Defaults to :data:`DEFAULT_AVSS_LABEL_MIX`.
        gain_db (tuple): Range of the per-second loudness in dB. Defaults
            to (-6, 0).
        noise_floor_db (float): White noise added to every clip (dBFS,
            standard deviation). Defaults to -60.
        all_train_masks (bool): Write every train mask, not only the first
            one of ``s4`` / AVSS ``v1s`` clips. Defaults to False.
        write_log_mel (bool): Also write the official VGGish log-mel
            ``audio_log_mel/*.pkl`` of ``s4``/``ms3``. Defaults to False.
        sound_dir (str, optional): A folder of real recordings, one
            category per file, instead of the procedural sounds.
    """
    layouts: Tuple[str, ...] = LAYOUTS
    seed: int = 0
    num_train: int = DEFAULT_SPLIT_SIZES['train']
    num_val: int = DEFAULT_SPLIT_SIZES['val']
    num_test: int = DEFAULT_SPLIT_SIZES['test']
    image_size: int = 64
    num_categories: int = 8
    num_levels: int = 3
    sample_rate: int = 16000
    case_mix: Optional[Dict[str, Dict[str, float]]] = None
    avss_label_mix: Optional[Dict[str, float]] = None
    gain_db: Tuple[float, float] = (-6.0, 0.0)
    noise_floor_db: float = -60.0
    all_train_masks: bool = False
    write_log_mel: bool = False
    sound_dir: Optional[str] = field(default=None)

    def __post_init__(self) -> None:
        set_ = _setter(self)
        layouts = tuple(self.layouts)
        for layout in layouts:
            if layout not in LAYOUTS:
                raise KeyError(f'unknown SynthAVS layout {layout!r}, '
                               f'expected some of {LAYOUTS}')
        set_('layouts', tuple(sorted(set(layouts), key=LAYOUTS.index)))
        for name in ('seed', 'num_train', 'num_val', 'num_test', 'image_size',
                     'num_categories', 'num_levels', 'sample_rate'):
            set_(name, int(getattr(self, name)))
        for name in ('num_train', 'num_val', 'num_test'):
            if getattr(self, name) < 0:
                raise ValueError(f'{name} must be >= 0, got '
                                 f'{getattr(self, name)}')
        if self.image_size < 32:
            raise ValueError(f'image_size must be >= 32, got '
                             f'{self.image_size}')
        if self.num_categories < 2:
            raise ValueError(f'num_categories must be >= 2, got '
                             f'{self.num_categories}')
        if self.num_levels < 2:
            raise ValueError(f'num_levels must be >= 2, got '
                             f'{self.num_levels}')
        mix = {k: dict(v) for k, v in DEFAULT_CASE_MIX.items()}
        for layout, m in (self.case_mix or {}).items():
            if layout not in LAYOUTS:
                raise KeyError(f'case_mix: unknown layout {layout!r}, '
                               f'expected one of {LAYOUTS}')
            case_counts(m, 1)  # validates the keys and the proportions
            mix[layout] = {c: float(m.get(c, 0.0)) for c in CASE_TYPES}
        if mix['s4'].get('multi_source', 0) > 0:
            raise ValueError('the single-source s4 layout cannot hold '
                             'multi_source clips; set its proportion to 0')
        set_('case_mix', mix)
        labels = dict(self.avss_label_mix or DEFAULT_AVSS_LABEL_MIX)
        unknown = set(labels) - set(AVSS_LABEL_FRAMES)
        if unknown:
            raise KeyError(f'avss_label_mix: unknown labels {sorted(unknown)}'
                           f', expected some of {tuple(AVSS_LABEL_FRAMES)}')
        largest_remainder(labels, 1, tuple(AVSS_LABEL_FRAMES))
        set_('avss_label_mix', {k: float(v) for k, v in labels.items()})
        gain = tuple(float(g) for g in self.gain_db)
        if len(gain) != 2 or gain[0] > gain[1]:
            raise ValueError(f'gain_db must be (low, high), got '
                             f'{self.gain_db}')
        set_('gain_db', gain)
        set_('noise_floor_db', float(self.noise_floor_db))
        set_('all_train_masks', bool(self.all_train_masks))
        set_('write_log_mel', bool(self.write_log_mel))
        if self.sound_dir is not None:
            set_('sound_dir', osp.abspath(str(self.sound_dir)))

    @classmethod
    def field_names(cls) -> Tuple[str, ...]:
        """The parameter names (the keyword arguments it takes)."""
        return tuple(f.name for f in fields(cls))

    @classmethod
    def from_kwargs(cls, where: str, **kwargs) -> 'SynthAVSParams':
        """Build from keyword arguments; unknown names raise a TypeError
        that lists the known ones."""
        unknown = sorted(set(kwargs) - set(cls.field_names()))
        if unknown:
            raise TypeError(f'{where}() got unexpected argument(s) '
                            f'{unknown}; expected some of '
                            f'{sorted(cls.field_names())}')
        return cls(**kwargs)

    def split_size(self, split: str) -> int:
        """Clips per layout in ``split``."""
        return getattr(self, f'num_{split}')

    def to_dict(self) -> dict:
        """JSON-serializable form (lists for tuples)."""
        out = asdict(self)
        out['layouts'] = list(self.layouts)
        out['gain_db'] = list(self.gain_db)
        return out


def _setter(obj):
    """A setter for the fields of a frozen dataclass (normalization)."""

    def set_(name, value):
        object.__setattr__(obj, name, value)

    return set_
