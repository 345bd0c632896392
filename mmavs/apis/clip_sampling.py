# Copyright (c) mmavs contributors. All rights reserved.
"""Which frames of a video the model sees, with which audio, in which clip.

Times are exact: a frame's time is an integer tick (its presentation
timestamp minus the first frame's) times a :class:`fractions.Fraction` time
base, so second boundaries are never blurred by float rounding. Frame ``i``
is shown during ``[t_i, t_{i+1})``; the last one until the end of the
video (its timestamp plus its duration).

Two sampling modes (:func:`sample_frames`):

- ``'benchmark'`` (AVSBench): one frame per *complete* second ``s`` of the
  video, the last frame shown in ``[s, s + 1)``, paired with that second's
  audio ``[s, s + 1)``. A clip of ``T`` such frames gets the audio segment
  ``[s_0, s_0 + T)`` as one piece, cut into ``T`` rows by the config's
  audio transform exactly as a ``T``-second AVSBench wav file. The
  incomplete last second (if any) is not sampled; its length is reported.
- ``'dense'``: every ``step``-th frame, each with the one-second audio
  window that ends when the frame's display ends, ``[e_i - w, e_i]`` with
  ``e_i = t_{i+1}``. Sampling starts at the first frame whose window lies
  inside the video (``e_i >= w``), so the last frame of second ``s`` gets
  the same second ``[s, s + 1)`` as in the benchmark mode.

Clips (:func:`plan_clips`): ``N`` sampled frames are cut into consecutive
clips of ``T``. When ``N`` is not a multiple of ``T`` the last clip is the
last ``T`` sampled frames (it overlaps the previous clip; the overlapping
frames keep their first prediction), so every clip is made of real frames.
A video with fewer than ``T`` sampled frames is refused unless
``pad_short=True``, which fills the clip with padding frames
(``valid=False``: zero frames and zero audio, as the AVSS loader pads v1
clips) and reports how many.
"""
from dataclasses import dataclass, field
from fractions import Fraction
from typing import List

import numpy as np

from ..datasets.video_io import FrameTimeline

__all__ = [
    'SAMPLING_MODES', 'FrameTimeline', 'SampledFrames', 'ClipSpec',
    'sample_frames', 'plan_clips', 'ShortVideoError', 'seconds_to_sample'
]

SAMPLING_MODES = ('benchmark', 'dense')


class ShortVideoError(ValueError):
    """A video (or frame sequence) is too short for what was asked."""


@dataclass
class SampledFrames:
    """The frames a sampling mode picked, with their audio windows.

    Attributes:
        mode (str): ``'benchmark'`` or ``'dense'``.
        indices (np.ndarray): int64 ``[N]`` frame indices (presentation
            order) of the sampled frames.
        windows (list[tuple[Fraction, Fraction]]): The audio window
            ``[start, end)`` in seconds of each sampled frame.
        covers (list[tuple[Fraction, Fraction]]): The part of the video each
            prediction stands for (benchmark: its second; dense: from the
            frame to the next sampled one), for drawing videos.
        unused_tail (Fraction): Seconds at the end of the video no sampled
            frame covers (benchmark: the incomplete last second).
        first_time (Fraction): Start of the first sampled frame.
    """
    mode: str
    indices: np.ndarray
    windows: List[tuple]
    covers: List[tuple]
    unused_tail: Fraction = Fraction(0)
    first_time: Fraction = Fraction(0)

    def __len__(self) -> int:
        return len(self.indices)


def sample_frames(timeline: FrameTimeline,
                  mode: str = 'benchmark',
                  step: int = 1,
                  window_seconds: float = 1.0) -> SampledFrames:
    """Pick the frames (and audio windows) of a sampling mode.

    Args:
        timeline (FrameTimeline): The video's frame times.
        mode (str): ``'benchmark'`` or ``'dense'`` (module docstring).
        step (int): Dense mode: every ``step``-th frame. Defaults to 1.
        window_seconds (float): Dense mode: audio window length. Defaults
            to 1 (the benchmark mode always pairs whole seconds).

    Returns:
        SampledFrames: The picks; empty when the video has no complete
        second (benchmark) or no frame with a full window (dense).
    """
    if mode not in SAMPLING_MODES:
        raise ValueError(f'sampling mode must be one of {SAMPLING_MODES}, '
                         f'got {mode!r}')
    num = len(timeline)
    tb = timeline.time_base
    if mode == 'benchmark':
        num_seconds = int(timeline.duration) if num else 0  # floor
        # last frame shown before the end of second s: tick < (s + 1) / tb,
        # i.e. tick < ceil((s + 1) / tb) for integer ticks
        bounds = [_ceil(timeline.ticks_of(s + 1)) for s in range(num_seconds)]
        idx = np.searchsorted(timeline.ticks, bounds, side='left') - 1
        windows = [(Fraction(s), Fraction(s + 1)) for s in range(num_seconds)]
        return SampledFrames(
            mode,
            idx.astype(np.int64),
            windows,
            list(windows),
            unused_tail=timeline.duration - num_seconds,
            first_time=(int(timeline.ticks[idx[0]]) *
                        tb if num_seconds else Fraction(0)))
    if step < 1:
        raise ValueError(f'dense sampling step must be >= 1, got {step}')
    window = Fraction(window_seconds).limit_denominator(1000000)
    if window <= 0:
        raise ValueError(f'window_seconds must be > 0, got {window_seconds}')
    ends = np.append(timeline.ticks[1:], timeline.end_tick)
    first = _first_full_window(ends, tb, window)
    idx = np.arange(first, num, step, dtype=np.int64)
    windows = []
    covers = []
    for k, i in enumerate(idx):
        end = int(ends[i]) * tb
        windows.append((end - window, end))
        start = int(timeline.ticks[i]) * tb
        stop = (int(timeline.ticks[idx[k + 1]]) *
                tb if k + 1 < len(idx) else timeline.duration)
        covers.append((start, stop))
    return SampledFrames(
        mode,
        idx,
        windows,
        covers,
        first_time=(int(timeline.ticks[idx[0]]) * tb if len(idx) else
                    Fraction(0)))


def _ceil(value: Fraction) -> int:
    return -(-value.numerator // value.denominator)


def _first_full_window(ends: np.ndarray, time_base: Fraction,
                       window: Fraction) -> int:
    """Index of the first frame whose display ends at or after ``window``
    seconds (exact integer comparison ``end * tb >= window``)."""
    # end * tb >= window  <=>  end >= ceil(window / tb) (integer ticks)
    return int(
        np.searchsorted(ends, _ceil(window / time_base), side='left'))


@dataclass
class ClipSpec:
    """One clip of ``T`` positions over the sampled frames.

    Attributes:
        positions (list[int]): For each of the ``T`` clip frames, the
            position in the sampled frames, or -1 for a padding frame.
        keep (list[bool]): Whether the prediction of each clip frame is
            kept (False for padding and for frames an earlier clip already
            predicted).
    """
    positions: List[int]
    keep: List[bool] = field(default_factory=list)

    @property
    def valid(self) -> List[bool]:
        """Real (not padding) frames."""
        return [p >= 0 for p in self.positions]


def plan_clips(num_sampled: int,
               clip_length: int,
               pad_short: bool = False,
               source: str = '<input>') -> List[ClipSpec]:
    """Cut ``num_sampled`` frames into clips of ``clip_length``.

    Args:
        num_sampled (int): Number of sampled frames ``N``.
        clip_length (int): The model's ``T``.
        pad_short (bool): With ``N < T``, pad one clip with padding frames
            instead of raising. Defaults to False.
        source (str): The input's name, for messages.

    Returns:
        list[ClipSpec]: The clips; every sampled frame is kept exactly once.

    Raises:
        ShortVideoError: If ``N == 0``, or ``0 < N < T`` without
            ``pad_short``.
    """
    if clip_length < 1:
        raise ValueError(f'clip length must be >= 1, got {clip_length}')
    if num_sampled == 0:
        raise ShortVideoError(f'{source}: no frame to segment')
    if num_sampled < clip_length:
        if not pad_short:
            raise ShortVideoError(
                f'{source}: {num_sampled} sampled frame(s), fewer than one '
                f'clip of {clip_length} frames the model takes. Pass '
                'pad_short=True (--pad-short) to pad the clip with '
                f'{clip_length - num_sampled} empty frame(s) (valid=False, '
                'zero audio), or use a longer input')
        positions = list(range(num_sampled)) + [-1] * (clip_length -
                                                       num_sampled)
        return [ClipSpec(positions, [p >= 0 for p in positions])]
    clips = []
    for start in range(0, num_sampled - clip_length + 1, clip_length):
        positions = list(range(start, start + clip_length))
        clips.append(ClipSpec(positions, [True] * clip_length))
    done = len(clips) * clip_length
    if done < num_sampled:
        start = num_sampled - clip_length
        positions = list(range(start, num_sampled))
        clips.append(ClipSpec(positions, [p >= done for p in positions]))
    return clips


def seconds_to_sample(seconds: Fraction, sample_rate: int) -> int:
    """The sample index of a time, rounded half up (exact)."""
    value = Fraction(seconds) * int(sample_rate)
    return int((value.numerator * 2 + value.denominator) //
               (2 * value.denominator))
