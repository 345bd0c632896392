# Copyright (c) mmavs contributors. All rights reserved.
"""The SynthAVS scene model: categories, cases, objects, and the binding.

Categories
----------
``C`` categories (``num_categories``), each with a visual identity (a
shape, a texture, a hue; :func:`build_categories`) and a sound (a category
of the sound bank, :mod:`mmavs.synthavs.sounds`).

Cases
-----
Every clip is one of the AVS case types of
:data:`~mmavs.synthavs.params.CASE_TYPES`:

- ``single``: one visible object, sounding in every frame.
- ``multi_some_sounding``: 2-3 objects of distinct categories, only some
  sound (exactly one in the single-source ``s4`` layout).
- ``lookalike``: two instances ("twins") of one category, exactly one of
  which sounds (in every frame), plus an optional silent object of another
  category.
- ``state_switch``: one object whose sound switches on and off across
  frames (at least one frame on and one off), plus an optional silent
  object.
- ``multi_source``: 2-3 objects, at least two sounding at once (mixture).
- ``offscreen``: 1-2 silent objects; the sound belongs to a category that
  is not in view. Every mask is empty.
- ``silence``: 1-2 silent objects and no sound. Every mask is empty.

The audio-visual binding
------------------------
Which categories sound is heard (the sound bank makes them distinct), so in
``multi_some_sounding``, ``state_switch``, ``offscreen`` and ``silence``
the audio decides which visible object sounds; nothing visual marks it
(categories, positions, sizes and the object order are drawn the same way
for sounding and silent objects). Look-alike twins share the category, so
telling them apart needs more than the category: every second of a sound
carries a **pitch level** ``l in {0, ..., L-1}`` (``num_levels``, default
3; :func:`mmavs.synthavs.sounds.pitch_ratio`), and every visible object has
a per-frame **brightness level** (its HSV value,
:func:`mmavs.synthavs.renderer.level_values`), drawn as follows:

- a visible object sounding in frame ``t`` shows the pitch level of its
  sound in second ``t`` (drawn uniformly and independently per second);
- a silent object (or a silent frame of a ``state_switch`` object) shows an
  independent uniform draw;
- the silent twin of a sounding look-alike shows, in every frame, a uniform
  draw among the levels *other* than the sounding twin's.

Every object's brightness sequence is therefore i.i.d. uniform whether it
sounds or not, and the twins' pair of sequences is exchangeable: the
probability of the frames is the same whichever twin sounds, so no
predictor that sees only the frames beats a coin flip between them (at
most about half of the sounding twin's pixels, on average). The pitch
level heard in second ``t`` matches exactly one twin in frame ``t``, so a
predictor that binds what it hears to what it sees solves every case
(``tools/analysis_tools/synthavs_oracles.py`` measures both bounds, the
README lists them). Loudness (``gain_db``) varies per second and is bound
to nothing.
"""
from dataclasses import dataclass
from typing import List, Sequence

import numpy as np

__all__ = [
    'SHAPES', 'TEXTURES', 'SynthCategory', 'SynthObject', 'SynthScene',
    'build_categories', 'plan_scene'
]

SHAPES = ('circle', 'square', 'triangle', 'diamond', 'cross', 'ring',
          'hexagon', 'star')
TEXTURES = ('solid', 'hstripes', 'checker', 'vstripes', 'dots', 'diagonal')


@dataclass
class SynthCategory:
    """A SynthAVS category: its visual identity and its sound.

    Args:
        name (str): Category name (the sound's name; used in paths and
            metadata).
        index (int): 0-based category index; the semantic class is
            ``index + 1`` (0 is background).
        shape (str): One of :data:`SHAPES`.
        texture (str): One of :data:`TEXTURES`.
        hue (float): Hue in ``[0, 1)``.
    """
    name: str
    index: int
    shape: str
    texture: str
    hue: float

    @property
    def class_index(self) -> int:
        """Semantic class index (1-based; 0 is background)."""
        return self.index + 1


def build_categories(names: Sequence[str]) -> List[SynthCategory]:
    """The category table: category ``k`` gets shape ``SHAPES[k % 8]``,
    texture ``TEXTURES[k % 6]`` and hue ``k / C``.

    Args:
        names (Sequence[str]): Category names (from the sound bank).

    Returns:
        list[SynthCategory]: ``C`` categories.
    """
    C = len(names)
    if C < 2:
        raise ValueError(f'SynthAVS needs >= 2 categories, got {C}')
    if len(set(names)) != C:
        raise ValueError(f'SynthAVS category names must be distinct, got '
                         f'{list(names)}')
    return [
        SynthCategory(
            name=str(name),
            index=k,
            shape=SHAPES[k % len(SHAPES)],
            texture=TEXTURES[k % len(TEXTURES)],
            hue=k / C) for k, name in enumerate(names)
    ]


@dataclass
class SynthObject:
    """One visible object of a clip.

    Args:
        category (int): 0-based category index.
        centers (np.ndarray): ``(T, 2)`` centre ``(x, y)`` per frame.
        radius (float): Radius of the circumscribed circle in pixels.
        angle (float): Rotation in degrees.
        hue (float): Hue in ``[0, 1)`` (the category's, jittered).
        saturation (float): Saturation of the pattern's full-colour part.
        sounding (np.ndarray): ``(T,)`` bool, sounding per frame.
        levels (np.ndarray): ``(T,)`` int, brightness level per frame.
    """
    category: int
    centers: np.ndarray
    radius: float
    angle: float
    hue: float
    saturation: float
    sounding: np.ndarray
    levels: np.ndarray


@dataclass
class SynthScene:
    """What a clip shows and plays, before rendering.

    Attributes:
        objects (list[SynthObject]): Visible objects (random order).
        offscreen (list[int]): Categories heard but not in view.
        audible (list[list[int]]): Per frame, the categories heard (sorted).
        pitch (list[list[int]]): Per frame, the pitch level of each category
            of ``audible`` (same order).
    """
    objects: List[SynthObject]
    offscreen: List[int]
    audible: List[List[int]]
    pitch: List[List[int]]


def _plan_case(rng: np.random.Generator, case: str, T: int, C: int,
               single_source: bool):
    """``[category, sounding[T]]`` per visible object (sounding first, in
    the lookalike case the sounding twin first) and the off-screen
    ``(category, sounding[T])``."""
    on, off = np.ones(T, dtype=bool), np.zeros(T, dtype=bool)

    def n_visible(low, high):
        return int(rng.integers(low, min(high, C) + 1))

    objects, offscreen = [], []
    if case == 'single':
        objects = [[int(rng.integers(C)), on.copy()]]
    elif case in ('multi_some_sounding', 'multi_source'):
        n = n_visible(2, 3)
        cats = rng.choice(C, n, replace=False)
        if case == 'multi_some_sounding':
            k = 1 if single_source else int(rng.integers(1, n))
        else:
            k = int(rng.integers(2, n + 1))
        objects = [[int(c), on.copy() if j < k else off.copy()]
                   for j, c in enumerate(cats)]
    elif case == 'lookalike':
        cats = rng.choice(C, 2, replace=False)
        objects = [[int(cats[0]), on.copy()], [int(cats[0]), off.copy()]]
        if rng.random() < 0.5:
            objects.append([int(cats[1]), off.copy()])
    elif case == 'state_switch':
        n = n_visible(1, 2)
        cats = rng.choice(C, n, replace=False)
        pattern = np.zeros(T, dtype=bool)
        while pattern.all() or not pattern.any():
            pattern = rng.random(T) < 0.5
        objects = [[int(c), pattern.copy() if j == 0 else off.copy()]
                   for j, c in enumerate(cats)]
    elif case in ('offscreen', 'silence'):
        n = n_visible(1, 2)
        if case == 'offscreen':
            n = min(n, C - 1)
        cats = rng.choice(C, n + 1, replace=False)
        objects = [[int(c), off.copy()] for c in cats[:n]]
        if case == 'offscreen':
            offscreen = [(int(cats[n]), on.copy())]
    else:
        raise KeyError(f'unknown SynthAVS case {case!r}')
    return objects, offscreen


def _bind_levels(rng: np.random.Generator, plan: list, offscreen: list, T: int,
                 L: int):
    """Pitch levels of the sounds and brightness levels of the objects
    (the binding of the module docstring).

    Returns:
        tuple: ``levels`` (per visible object, ``(T,)`` int) and
        ``pitch`` (category -> ``(T,)`` int, -1 where silent).
    """
    pitch = {}
    for cat, sounding in [tuple(o) for o in plan] + list(offscreen):
        if sounding.any():
            if cat in pitch:
                raise AssertionError('two sounding objects of one category')
            pitch[cat] = np.where(sounding, rng.integers(0, L, T), -1)
    levels = []
    for cat, sounding in plan:
        lev = rng.integers(0, L, T)
        if cat in pitch:
            heard = pitch[cat]
            if sounding.any():  # this object makes the sound
                lev = np.where(sounding, heard, lev)
            else:  # the silent twin of a sounding object: never the same
                shift = rng.integers(1, L, T)
                lev = np.where(heard >= 0, (heard + shift) % L, lev)
        levels.append(lev.astype(np.int64))
    return levels, pitch


def _place(rng: np.random.Generator, n: int, T: int, size: int):
    """Non-overlapping, slowly moving circles (rejection sampling)."""
    gap = max(2.0, 0.04 * size)
    w = np.linspace(0, 1, T)[:, None]
    for _ in range(500):
        radii = rng.uniform(0.12 * size, 0.19 * size, n)
        tracks = []
        for r in radii:
            lo, hi = r + gap / 2, size - 1 - r - gap / 2
            start = rng.uniform(lo, hi, 2)
            end = np.clip(start + rng.uniform(-0.1 * size, 0.1 * size, 2), lo,
                          hi)
            tracks.append(start * (1 - w) + end * w)
        ok = all((np.linalg.norm(tracks[i] - tracks[j], axis=1) >= radii[i] +
                  radii[j] + gap).all() for i in range(n) for j in range(i))
        if ok:
            return radii, tracks
    raise RuntimeError(f'SynthAVS could not place {n} objects without '
                       f'overlap in a {size}x{size} frame; use a larger '
                       'image_size')


def plan_scene(rng: np.random.Generator, case: str, num_frames: int,
               categories: Sequence[SynthCategory], num_levels: int,
               image_size: int, single_source: bool) -> SynthScene:
    """Draw one clip's scene.

    Args:
        rng (np.random.Generator): The clip's random stream.
        case (str): One of :data:`~mmavs.synthavs.params.CASE_TYPES`.
        num_frames (int): ``T`` (one second of audio per frame).
        categories (Sequence[SynthCategory]): The category table.
        num_levels (int): Pitch / brightness levels ``L``.
        image_size (int): Frame size in pixels.
        single_source (bool): At most one sounding object (``s4``).

    Returns:
        SynthScene: The scene.
    """
    T, L = int(num_frames), int(num_levels)
    plan, offscreen = _plan_case(rng, case, T, len(categories), single_source)
    levels, pitch = _bind_levels(rng, plan, offscreen, T, L)
    radii, tracks = _place(rng, len(plan), T, image_size)
    objects = []
    for (cat, sounding), lev, r, track in zip(plan, levels, radii, tracks):
        objects.append(
            SynthObject(
                category=cat,
                centers=track.astype(np.float32),
                radius=float(r),
                angle=float(rng.uniform(-10, 10)),
                hue=float(
                    (categories[cat].hue + rng.uniform(-0.02, 0.02)) % 1),
                saturation=float(rng.uniform(0.75, 1.0)),
                sounding=sounding,
                levels=lev))
    order = rng.permutation(len(objects))
    objects = [objects[i] for i in order]
    audible = [
        sorted(c for c, p in pitch.items() if p[t] >= 0) for t in range(T)
    ]
    return SynthScene(
        objects=objects,
        offscreen=[c for c, _ in offscreen],
        audible=audible,
        pitch=[[int(pitch[c][t]) for c in frame]
               for t, frame in enumerate(audible)])
