# Copyright (c) mmavs contributors. All rights reserved.
"""The inputs of the inferencer: a video file with its own audio track, a
frame folder (or frame files) plus a wav, or arrays plus a waveform.

Each becomes an :class:`AVSource`: the frames' timeline, the audio track on
the same clock (sample 0 at the first frame) and a way to read the frames
the sampling picked, in order (a video is decoded once, streaming, keeping
only those frames). The audio is checked against the frames before anything
runs: audio that ends more than one frame before the last frame ends is an
:class:`~mmavs.datasets.video_io.AudioShorterThanVideoError` naming the file.
"""
import os.path as osp
from abc import ABC, abstractmethod
from fractions import Fraction
from typing import Iterator, Optional, Sequence, Tuple, Union

import numpy as np

from ..datasets.video_io import (AudioShorterThanVideoError, FrameTimeline,
                                 VideoInfo, iter_video_frames, probe_video,
                                 read_audio_track)
from .inference import AudioInput, list_frame_files, load_audio_input

__all__ = ['AVSource', 'VideoSource', 'FrameSource', 'as_source']

Frame = Union[np.ndarray, str]


class AVSource(ABC):
    """Frames on a timeline and their audio.

    Attributes:
        name (str): Name used for outputs and messages.
        timeline (FrameTimeline): Frame times.
        audio (np.ndarray): float64 ``[C, L]``, sample 0 at the first frame.
        sample_rate (int): Its rate.
        audio_name (str): Where the audio comes from, for messages.
    """
    name: str
    timeline: FrameTimeline
    audio: np.ndarray
    sample_rate: int
    audio_name: str
    #: Frames come as files (decoded by the pipeline) rather than arrays.
    frames_are_files = False

    @property
    def fps(self) -> float:
        """Average frame rate."""
        return float(len(self.timeline) / self.timeline.duration)

    def check_audio(self) -> None:
        """Refuse audio that ends more than one frame before the frames.

        Raises:
            AudioShorterThanVideoError: Naming both and their durations.
        """
        audio = self.audio.shape[1] / self.sample_rate
        frames = float(self.timeline.duration)
        if audio < frames - 1.0 / self.fps - 1e-6:
            raise AudioShorterThanVideoError(
                f'{self.audio_name}: the audio lasts {audio:.3f} s, shorter '
                f'than the frames of {self.name} ({frames:.3f} s, '
                f'{len(self.timeline)} frames); expected audio covering '
                'every frame (cut the frames to the audio first)')

    def audio_between(self, start: Fraction, end: Fraction) -> AudioInput:
        """The audio ``[start, end)`` seconds (cut at the track's end)."""
        from .clip_sampling import seconds_to_sample
        a = seconds_to_sample(start, self.sample_rate)
        b = seconds_to_sample(end, self.sample_rate)
        name = (f'{self.audio_name} [{float(start):.3f} s, '
                f'{float(end):.3f} s)')
        return self.audio[:, a:b], self.sample_rate, name

    @abstractmethod
    def iter_frames(self,
                    indices: Sequence[int]) -> Iterator[Tuple[int, Frame]]:
        """Yield ``(index, frame)`` for increasing ``indices``."""


class VideoSource(AVSource):
    """A video file with its own audio track.

    Args:
        path (str): The video.
        name (str, optional): Defaults to the file name without extension.
    """

    def __init__(self, path: str, name: Optional[str] = None) -> None:
        self.info: VideoInfo = probe_video(path, require_audio=True)
        self.name = name or osp.splitext(osp.basename(path))[0]
        self.timeline = self.info.timeline
        self.audio, self.sample_rate = read_audio_track(self.info)
        self.audio_name = f'the audio track of {path}'
        self.check_audio()

    @property
    def fps(self) -> float:
        return self.info.fps

    def iter_frames(self, indices: Sequence[int]):
        yield from iter_video_frames(self.info, indices)


class FrameSource(AVSource):
    """Frames (a folder, files or arrays) at ``fps`` plus an audio track.

    Args:
        frames: A frame folder, a list of frame files, or RGB uint8 arrays
            (``[N, H, W, 3]`` or a list of ``[H, W, 3]``).
        audio: A wav file or ``(waveform, sample_rate)``; sample 0 goes with
            the first frame.
        fps (float): Frame rate. Defaults to 1 (the AVSBench layout: one
            frame per second).
        name (str, optional): Defaults to the folder name, or ``'frames'``.
    """

    def __init__(self,
                 frames,
                 audio: Union[str, Tuple[np.ndarray, int]],
                 fps: float = 1.0,
                 name: Optional[str] = None) -> None:
        if isinstance(frames, str):
            self.name = name or osp.basename(osp.normpath(frames))
            frames = list_frame_files(frames)
        else:
            self.name = name or 'frames'
        if isinstance(frames, np.ndarray):
            if frames.ndim != 4 or frames.shape[-1] != 3:
                raise ValueError(f'{self.name}: frames must be [N, H, W, 3], '
                                 f'got shape {frames.shape}')
        frames = list(frames)
        if not frames:
            raise ValueError(f'{self.name}: no frame given')
        self.frames_are_files = isinstance(frames[0], str)
        self.frames = frames
        self.timeline = FrameTimeline.constant_rate(len(frames), fps)
        self._fps = float(fps)
        self.audio, self.sample_rate, self.audio_name = load_audio_input(
            audio, name=f'the audio of {self.name}')
        self.check_audio()

    @property
    def fps(self) -> float:
        return self._fps

    def iter_frames(self, indices: Sequence[int]):
        for i in indices:
            yield int(i), self.frames[int(i)]


def as_source(item) -> AVSource:
    """An inferencer input as an :class:`AVSource`.

    Args:
        item: A video file path, an :class:`AVSource`, or a dict with
            ``frames`` (folder, files or arrays), ``audio`` (wav file or
            ``(waveform, sample_rate)``), optional ``fps`` (default 1) and
            ``name``.

    Returns:
        AVSource: The source.
    """
    if isinstance(item, AVSource):
        return item
    if isinstance(item, str):
        if osp.isdir(item):
            raise ValueError(
                f'{item} is a folder; give a frame folder with its audio as '
                "dict(frames='FOLDER', audio='AUDIO.wav', fps=1)")
        return VideoSource(item)
    if isinstance(item, dict):
        unknown = set(item) - {'frames', 'audio', 'fps', 'name'}
        if unknown or 'frames' not in item or 'audio' not in item:
            raise KeyError('an inferencer input dict takes frames, audio '
                           f'and optionally fps and name; got {sorted(item)}')
        return FrameSource(
            item['frames'],
            item['audio'],
            fps=item.get('fps', 1.0),
            name=item.get('name'))
    raise TypeError('inferencer input must be a video file, a dict(frames, '
                    f'audio[, fps]) or an AVSource, got {type(item).__name__}')
