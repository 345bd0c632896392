# Copyright (c) mmavs contributors. All rights reserved.
"""SynthAVS clips in memory: the scene model, the sound bank and the
renderer put together, one deterministic random stream per clip."""
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

import numpy as np

from .params import (AVSS_LABEL_FRAMES, CASE_TYPES, LAYOUTS, SPLITS,
                     SynthAVSParams, case_counts, largest_remainder)
from .renderer import render_audio, render_frames
from .scene import SynthCategory, SynthObject, build_categories, plan_scene
from .sounds import build_sound_bank

__all__ = ['SynthClip', 'SynthAVSGenerator']


@dataclass
class SynthClip:
    """One generated clip (the in-memory form of SynthAVS).

    Attributes:
        name (str): Clip id (``name`` / ``video_id`` / ``uid``).
        layout (str): ``'s4'``, ``'ms3'`` or ``'avss'``.
        split (str): ``'train'``, ``'val'`` or ``'test'``.
        case (str): One of :data:`~mmavs.synthavs.params.CASE_TYPES`.
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
        pitch (list[list[int]]): Per frame, the pitch level of each
            category of ``audible``.
        sources (list[dict]): The rendered seconds (category, second,
            level, detune, gain, bank record).
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
    pitch: List[List[int]]
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

    @property
    def levels(self) -> np.ndarray:
        """``(T, num_objects)`` int, the objects' brightness levels."""
        if not self.objects:
            return np.zeros((self.num_frames, 0), dtype=np.int64)
        return np.stack([o.levels for o in self.objects], axis=1)


class SynthAVSGenerator:
    """Deterministic generator of SynthAVS clips (in memory).

    Every clip is drawn from its own random stream, seeded by
    ``(seed, layout, split, clip index)``, so a clip does not depend on the
    number of workers or on the other splits.

    Args:
        params (SynthAVSParams, optional): The parameters; default
            parameters when None.
        **kwargs: Or the parameters as keyword arguments
            (:class:`~mmavs.synthavs.params.SynthAVSParams` fields).
    """

    def __init__(self,
                 params: Optional[SynthAVSParams] = None,
                 **kwargs) -> None:
        if params is None:
            params = SynthAVSParams.from_kwargs('SynthAVSGenerator', **kwargs)
        elif kwargs:
            raise TypeError('SynthAVSGenerator takes params or keyword '
                            'arguments, not both')
        self.params = params
        self.sounds = build_sound_bank(params.num_categories,
                                       params.sample_rate, params.num_levels,
                                       params.sound_dir)
        self.categories: List[SynthCategory] = build_categories(
            self.sounds.names)

    # -- properties ------------------------------------------------------
    @property
    def num_categories(self) -> int:
        """Number of categories ``C``."""
        return len(self.categories)

    @property
    def sample_rate(self) -> int:
        """Audio sample rate."""
        return self.params.sample_rate

    @property
    def class_names(self) -> Tuple[str, ...]:
        """Semantic class names, ``('background', *categories)``."""
        return ('background', ) + tuple(c.name for c in self.categories)

    # -- public API -------------------------------------------------------
    def split_plan(self, layout: str, split: str,
                   num_clips: int) -> List[Tuple[str, str]]:
        """The ``(case, avss_label)`` of each clip of a split, in order.

        Args:
            layout (str): One of :data:`~mmavs.synthavs.params.LAYOUTS`.
            split (str): One of ``train``, ``val``, ``test``.
            num_clips (int): Number of clips.

        Returns:
            list[tuple[str, str]]: Case type and AVSS label (``''`` for v1
            layouts) per clip.
        """
        self._check_layout_split(layout, split)
        counts = case_counts(self.params.case_mix[layout], num_clips)
        cases = [c for c in CASE_TYPES for _ in range(counts[c])]
        rng = np.random.default_rng(self._seed_seq(layout, split, -1))
        cases = [cases[i] for i in rng.permutation(len(cases))]
        if layout != 'avss':
            return [(c, '') for c in cases]
        label_counts = largest_remainder(self.params.avss_label_mix, num_clips,
                                         tuple(AVSS_LABEL_FRAMES))
        labels = [k for k in AVSS_LABEL_FRAMES for _ in range(label_counts[k])]
        labels = [labels[i] for i in rng.permutation(len(labels))]
        return list(zip(cases, labels))

    def generate(self, layout: str, split: str,
                 num_clips: int) -> List[SynthClip]:
        """Generate the clips of one split in memory."""
        plan = self.split_plan(layout, split, num_clips)
        return [
            self.make_clip(layout, split, i, case, label)
            for i, (case, label) in enumerate(plan)
        ]

    @staticmethod
    def clip_name(layout: str, split: str, index: int) -> str:
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
            layout (str): One of :data:`~mmavs.synthavs.params.LAYOUTS`.
            split (str): One of ``train``, ``val``, ``test``.
            index (int): Clip index in the split (seeds its random stream).
            case (str): One of :data:`~mmavs.synthavs.params.CASE_TYPES`.
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
        p = self.params
        T = AVSS_LABEL_FRAMES[label] if layout == 'avss' else 5
        rng = np.random.default_rng(self._seed_seq(layout, split, index))
        scene = plan_scene(
            rng,
            case,
            T,
            self.categories,
            p.num_levels,
            p.image_size,
            single_source=layout == 's4')
        frames, instances = render_frames(rng, scene, self.categories, T,
                                          p.image_size, p.num_levels)
        audio, sources = render_audio(rng, scene, self.sounds, self.categories,
                                      p.sample_rate, p.gain_db,
                                      p.noise_floor_db)
        semantic = np.zeros_like(instances)
        for i, obj in enumerate(scene.objects):
            on = obj.sounding[:, None, None] & (instances == i + 1)
            semantic[on] = self.categories[obj.category].class_index
        heard = [c for frame in scene.audible for c in frame]
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
            sample_rate=p.sample_rate,
            objects=scene.objects,
            offscreen=scene.offscreen,
            audible=scene.audible,
            pitch=scene.pitch,
            sources=sources,
            category=heard[0] if heard else scene.objects[0].category)

    # -- helpers ----------------------------------------------------------
    def _seed_seq(self, layout: str, split: str,
                  index: int) -> np.random.SeedSequence:
        return np.random.SeedSequence([
            self.params.seed,
            LAYOUTS.index(layout),
            SPLITS.index(split), index + 1
        ])

    @staticmethod
    def _check_layout_split(layout: str, split: str) -> None:
        if layout not in LAYOUTS:
            raise KeyError(f'unknown SynthAVS layout {layout!r}, expected '
                           f'one of {LAYOUTS}')
        if split not in SPLITS:
            raise KeyError(f'unknown split {split!r}, expected one of '
                           f'{SPLITS}')
