# Copyright (c) mmavs contributors. All rights reserved.
"""Rendering a SynthAVS scene: frames, instance maps and the audio track.

Frames: a dull, dark background (a tinted colour of HSV value 0.1-0.25,
smooth blobs and per-frame grain) with the objects drawn over it. An object is its
category's shape filled with its category's texture: the pattern's "on"
cells in the object's colour (hue, saturation), the "off" cells in the
same hue at a third of the saturation; both at the object's **brightness**
of the frame (HSV value ``level_values(L)[level]``, see
:mod:`mmavs.synthavs.scene` for how the level is bound to the sound).

Audio: for every second, the bank's rendering of each category heard at its
pitch level of that second, with a random detune (+-0.5 semitone) and a
random loudness (``gain_db``), mixed, plus a white-noise floor; the mix is
scaled down if its peak exceeds 0.95.
"""
import colorsys
from typing import List, Sequence, Tuple

import cv2
import numpy as np

from .scene import SHAPES, TEXTURES, SynthCategory, SynthScene

__all__ = ['level_values', 'render_frames', 'render_audio', 'shape_mask']


def level_values(num_levels: int) -> np.ndarray:
    """HSV value of each brightness level: evenly from 0.5 to 0.95 (the
    background stays below 0.4)."""
    return np.linspace(0.5, 0.95, int(num_levels))


def shape_mask(shape: str, cx: float, cy: float, r: float, angle: float,
               size: int) -> np.ndarray:
    """Bool ``(size, size)`` mask of a shape (sub-pixel polygon fill)."""
    mask = np.zeros((size, size), dtype=np.uint8)
    a = np.deg2rad(angle)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])

    def poly(pts):
        pts = np.asarray(pts, dtype=np.float64) @ rot.T * r + [cx, cy]
        return np.round(pts * 16).astype(np.int32)

    def regular(n, radius=1.0, phase=-np.pi / 2):
        t = phase + 2 * np.pi * np.arange(n) / n
        return np.stack([np.cos(t), np.sin(t)], 1) * radius

    def fill(pts, value=1):
        cv2.fillPoly(mask, [poly(pts)], value, cv2.LINE_8, 4)

    if shape in ('circle', 'ring'):
        fill(regular(48))
        if shape == 'ring':
            fill(regular(48, 0.5), 0)
    elif shape == 'square':
        fill(regular(4, 1.0, np.pi / 4))
    elif shape == 'triangle':
        fill(regular(3))
    elif shape == 'diamond':
        fill(regular(4))
    elif shape == 'hexagon':
        fill(regular(6))
    elif shape == 'star':
        pts = regular(10)
        pts[1::2] *= 0.45
        fill(pts)
    elif shape == 'cross':
        w, L = 0.36, 0.98
        fill([(-w, -L), (w, -L), (w, -w), (L, -w), (L, w), (w, w), (w, L),
              (-w, L), (-w, w), (-L, w), (-L, -w), (-w, -w)])
    else:
        raise KeyError(f'unknown shape {shape!r}, expected one of {SHAPES}')
    return mask.astype(bool)


def _texture(texture: str, xx: np.ndarray, yy: np.ndarray, cx: float,
             cy: float, angle: float, size: int) -> np.ndarray:
    """Bool pattern over the frame (True = full colour)."""
    a = np.deg2rad(angle)
    u0, v0 = xx - cx, yy - cy
    u = np.cos(a) * u0 + np.sin(a) * v0
    v = -np.sin(a) * u0 + np.cos(a) * v0
    w = max(2.0, size / 32)
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


def render_frames(rng: np.random.Generator, scene: SynthScene,
                  categories: Sequence[SynthCategory], num_frames: int,
                  size: int, num_levels: int) -> Tuple[np.ndarray, np.ndarray]:
    """Draw the frames and the instance maps of a scene.

    Args:
        rng (np.random.Generator): The clip's random stream.
        scene (SynthScene): The scene.
        categories (Sequence[SynthCategory]): The category table.
        num_frames (int): ``T``.
        size (int): Frame height and width.
        num_levels (int): Brightness levels ``L``.

    Returns:
        tuple[np.ndarray, np.ndarray]: ``(T, H, W, 3)`` uint8 RGB frames
        and ``(T, H, W)`` uint8 instance maps (``i + 1`` on the pixels of
        visible object ``i``, 0 elsewhere).
    """
    base = np.array(
        colorsys.hsv_to_rgb(rng.random(), rng.uniform(0, 0.2),
                            rng.uniform(0.1, 0.25))) * 255
    blobs = cv2.resize(
        rng.normal(0, 8, (4, 4, 3)).astype(np.float32), (size, size),
        interpolation=cv2.INTER_CUBIC)
    background = base[None, None] + blobs
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    values = level_values(num_levels)
    frames = np.empty((num_frames, size, size, 3), dtype=np.uint8)
    instances = np.zeros((num_frames, size, size), dtype=np.uint8)
    for t in range(num_frames):
        img = background.copy()
        for i, obj in enumerate(scene.objects):
            cat = categories[obj.category]
            cx, cy = obj.centers[t]
            mask = shape_mask(cat.shape, cx, cy, obj.radius, obj.angle, size)
            pattern = _texture(cat.texture, xx, yy, cx, cy, obj.angle, size)
            value = values[obj.levels[t]]
            full = np.array(
                colorsys.hsv_to_rgb(obj.hue, obj.saturation, value)) * 255
            pale = np.array(
                colorsys.hsv_to_rgb(obj.hue, obj.saturation / 3, value)) * 255
            texel = np.where(pattern[..., None], full, pale)
            img[mask] = texel[mask]
            instances[t][mask] = i + 1
        img += rng.normal(0, 3, img.shape)
        frames[t] = np.clip(np.round(img), 0, 255).astype(np.uint8)
    return frames, instances


def render_audio(rng: np.random.Generator, scene: SynthScene, bank,
                 categories: Sequence[SynthCategory], sample_rate: int,
                 gain_db: Tuple[float, float],
                 noise_floor_db: float) -> Tuple[np.ndarray, List[dict]]:
    """Mix the sounds heard in every second of a scene.

    Args:
        rng (np.random.Generator): The clip's random stream.
        scene (SynthScene): The scene (``audible``, ``pitch``).
        bank: A sound bank (:mod:`mmavs.synthavs.sounds`).
        categories (Sequence[SynthCategory]): The category table.
        sample_rate (int): Audio rate (the bank's).
        gain_db (tuple): Range of the per-second loudness.
        noise_floor_db (float): White-noise level (dBFS, std).

    Returns:
        tuple[np.ndarray, list[dict]]: ``(T * sample_rate,)`` float32 mono
        waveform and one record per rendered second (category, second,
        pitch level, detune, gain, the bank's record).
    """
    sr = sample_rate
    T = len(scene.audible)
    audio = np.zeros(T * sr, dtype=np.float32)
    sources = []
    for t, (cats, levels) in enumerate(zip(scene.audible, scene.pitch)):
        for c, level in zip(cats, levels):
            detune = float(rng.uniform(-0.5, 0.5))
            gain = float(rng.uniform(*gain_db))
            sound, rec = bank.render(c, level, detune, gain, rng)
            audio[t * sr:(t + 1) * sr] += sound
            sources.append(
                dict(
                    category=categories[c].name,
                    second=t,
                    level=int(level),
                    detune=round(detune, 4),
                    gain_db=round(gain, 3),
                    **rec))
    audio += rng.normal(0, 10**(noise_floor_db / 20),
                        audio.shape).astype(np.float32)
    peak = float(np.abs(audio).max())
    if peak > 0.95:
        audio *= 0.95 / peak
    return audio.astype(np.float32), sources
