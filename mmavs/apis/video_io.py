# Copyright (c) mmavs contributors. All rights reserved.
"""Reading and writing videos with their audio, through PyAV.

PyAV (``av`` on PyPI) bundles the FFmpeg libraries in its wheel: no system
ffmpeg is needed.

Reading (:func:`probe_video`, :func:`read_audio_track`,
:func:`iter_video_frames`):

- the probe demuxes the video stream without decoding it and returns the
  frames' presentation timestamps (:class:`VideoInfo`); packets FFmpeg
  marks as discarded (edit lists) are not frames;
- the audio track is decoded whole, as float64 ``[C, L]`` at its own rate
  (integer samples scaled by ``1 / 2**(bits - 1)``, as soundfile scales
  wav files), and placed on the video's clock: sample 0 is the first video
  frame's timestamp. Audio before the first frame is cut; an audio track
  that starts more than one frame after the first frame is refused;
- frames are decoded in presentation order as RGB uint8 and only the
  requested ones are kept.

Every bad input raises a :class:`VideoInputError` subclass naming the file
and what was expected: :class:`VideoReadError` (missing, unreadable,
truncated or corrupt container, no video stream),
:class:`NoAudioStreamError`, :class:`EmptyVideoError` (no frame),
:class:`AudioShorterThanVideoError`.

Writing (:class:`VideoWriter`): H.264 (``libx264``, yuv420p, playable
everywhere) in MP4, with the audio either copied packet by packet from the
source video (``copy_audio_from``: the original audio, bit for bit) or
encoded to AAC from a waveform (``write_audio``). Audio frames are given
timestamps, so the AAC encoder's priming samples get negative timestamps
and the MP4 muxer writes the edit list that makes decoders skip them:
sample 0 plays with the first frame.
"""
import os
import os.path as osp
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterator, Optional, Sequence, Tuple

import numpy as np

from .clip_sampling import FrameTimeline

__all__ = [
    'VideoInputError', 'VideoReadError', 'NoAudioStreamError',
    'EmptyVideoError', 'AudioShorterThanVideoError', 'VideoInfo',
    'probe_video', 'read_audio_track',
    'iter_video_frames', 'VideoWriter'
]


class VideoInputError(ValueError):
    """A video (or its audio) is not what inference needs."""


class VideoReadError(VideoInputError):
    """A video file is missing, unreadable, truncated or corrupt."""


class NoAudioStreamError(VideoInputError):
    """A video file has no audio stream."""


class EmptyVideoError(VideoInputError):
    """A video file holds no video frame."""


class AudioShorterThanVideoError(VideoInputError):
    """An audio track ends before the video does."""


def _av():
    try:
        import av
    except ImportError as err:  # pragma: no cover - av is a requirement
        raise ImportError('video input/output needs PyAV: pip install av '
                          '(it bundles FFmpeg)') from err
    return av


def _open(path: str, mode: str = 'r'):
    av = _av()
    if mode == 'r' and not osp.isfile(path):
        raise VideoReadError(f'video file not found: {path}')
    if mode == 'r' and osp.getsize(path) == 0:
        raise EmptyVideoError(f'{path} is empty (0 bytes, zero-length '
                              'video); expected a video file')
    try:
        return av.open(path, mode)
    except av.error.FFmpegError as err:
        raise VideoReadError(
            f'cannot read video file {path}: {err}; expected a video '
            'container FFmpeg can read (mp4, mkv, mov, avi, webm, ...), '
            'complete and not truncated') from err


@dataclass
class VideoInfo:
    """What :func:`probe_video` found in a video file.

    Attributes:
        path (str): The file.
        timeline (FrameTimeline): Frame times relative to the first frame.
        start_pts (int): Timestamp of the first frame (stream ticks).
        width (int), height (int): Frame size.
        fps (float): Average frame rate.
        audio_rate (int | None): Sample rate of the first audio stream.
        audio_channels (int | None): Its channel count.
    """
    path: str
    timeline: FrameTimeline
    start_pts: int
    width: int
    height: int
    fps: float
    audio_rate: Optional[int]
    audio_channels: Optional[int]

    @property
    def num_frames(self) -> int:
        """Number of frames."""
        return len(self.timeline)

    @property
    def duration(self) -> Fraction:
        """Seconds from the first frame to the end of the last."""
        return self.timeline.duration

    @property
    def start_seconds(self) -> Fraction:
        """Timestamp of the first frame, in seconds."""
        return self.start_pts * self.timeline.time_base


def probe_video(path: str, require_audio: bool = True) -> VideoInfo:
    """Demux a video file and return its frame times.

    Args:
        path (str): The video file.
        require_audio (bool): Refuse a file without an audio stream.
            Defaults to True.

    Returns:
        VideoInfo: The frame timeline and stream properties.

    Raises:
        VideoReadError: Missing, unreadable or truncated file, no video
            stream, or frames without timestamps.
        NoAudioStreamError: No audio stream (with ``require_audio``).
        EmptyVideoError: The video stream holds no frame.
    """
    av = _av()
    container = _open(path)
    try:
        if not container.streams.video:
            raise VideoReadError(f'{path} has no video stream; expected a '
                                 'video file')
        stream = container.streams.video[0]
        audio = container.streams.audio[0] if container.streams.audio \
            else None
        if audio is None and require_audio:
            raise NoAudioStreamError(
                f'{path} has no audio stream; expected a video with its own '
                'audio track (for frames without audio, give a frame folder '
                'and a wav file: demo/frames_demo.py)')
        pts = []
        last_duration = 0
        try:
            for packet in container.demux(stream):
                if packet.size == 0 or packet.is_discard:
                    continue  # flush packet / edit-list discard
                if packet.pts is None:
                    raise VideoReadError(
                        f'{path}: video frame {len(pts)} has no timestamp; '
                        'expected a container with presentation timestamps '
                        '(remux it to mp4 or mkv)')
                pts.append(packet.pts)
                if packet.pts >= max(pts):
                    last_duration = packet.duration or 0
        except av.error.FFmpegError as err:
            raise VideoReadError(
                f'{path} is truncated or corrupt: reading stopped after '
                f'{len(pts)} video frame(s) ({err}); expected a complete '
                'video file') from err
        declared = stream.frames or 0
        if declared and len(pts) < declared:
            raise VideoReadError(
                f'{path} is truncated: its index declares {declared} video '
                f'frames but only {len(pts)} could be read; expected a '
                'complete video file')
        if not pts:
            raise EmptyVideoError(f'{path} holds no video frame (zero-length '
                                  'video); expected at least one frame')
        ticks = np.unique(np.asarray(pts, dtype=np.int64))
        if len(ticks) != len(pts):
            raise VideoReadError(f'{path}: {len(pts) - len(ticks)} video '
                                 'frames share a timestamp with another '
                                 'frame; expected one frame per timestamp')
        time_base = Fraction(stream.time_base)
        rate = stream.average_rate or stream.guessed_rate
        if not last_duration:
            if rate:
                last_duration = max(1, round(1 / (Fraction(rate) *
                                                  time_base)))
            elif len(ticks) > 1:
                last_duration = int(ticks[-1] - ticks[-2])
            else:
                last_duration = max(1, round(Fraction(1, 25) / time_base))
        start = int(ticks[0])
        rel = ticks - start
        timeline = FrameTimeline(rel, int(rel[-1]) + int(last_duration),
                                 time_base)
        fps = float(rate) if rate else float(
            len(ticks) / timeline.duration)
        return VideoInfo(
            path=path,
            timeline=timeline,
            start_pts=start,
            width=int(stream.codec_context.width),
            height=int(stream.codec_context.height),
            fps=fps,
            audio_rate=int(audio.codec_context.sample_rate) if audio else
            None,
            audio_channels=int(audio.codec_context.channels) if audio else
            None)
    finally:
        container.close()


def _to_float(samples: np.ndarray, fmt) -> np.ndarray:
    """Decoded samples ``[C, L]`` as float64 in [-1, 1]."""
    if samples.dtype.kind == 'f':
        return samples.astype(np.float64)
    if samples.dtype == np.uint8:
        return (samples.astype(np.float64) - 128.0) / 128.0
    bits = samples.dtype.itemsize * 8
    return samples.astype(np.float64) / float(2**(bits - 1))


def read_audio_track(info: VideoInfo) -> Tuple[np.ndarray, int]:
    """Decode a video's audio track, aligned with its first frame.

    Args:
        info (VideoInfo): The probe of the file.

    Returns:
        tuple[np.ndarray, int]: float64 ``[C, L]`` waveform whose sample 0 is
        at the first video frame, and its sample rate.

    Raises:
        NoAudioStreamError: No audio stream.
        VideoReadError: The audio cannot be decoded.
        AudioShorterThanVideoError: The audio starts more than one frame
            after the first video frame.
    """
    av = _av()
    path = info.path
    container = _open(path)
    try:
        if not container.streams.audio:
            raise NoAudioStreamError(f'{path} has no audio stream; expected a '
                                     'video with its own audio track')
        stream = container.streams.audio[0]
        chunks = []
        first_time = None
        try:
            for frame in container.decode(stream):
                arr = frame.to_ndarray()
                if frame.format.is_planar:
                    arr = arr.reshape(len(frame.layout.channels), -1)
                else:
                    arr = arr.reshape(-1, len(frame.layout.channels)).T
                if first_time is None:
                    if frame.pts is None:
                        raise VideoReadError(
                            f'{path}: the audio has no timestamps; expected '
                            'a container with presentation timestamps')
                    first_time = frame.pts * Fraction(frame.time_base)
                    rate = int(frame.sample_rate)
                chunks.append(_to_float(arr, frame.format))
        except av.error.FFmpegError as err:
            raise VideoReadError(
                f'cannot decode the audio of {path} ({err}); expected a '
                'complete, readable audio track') from err
    finally:
        container.close()
    if not chunks:
        raise AudioShorterThanVideoError(
            f'the audio track of {path} holds no sample; expected audio '
            f'covering the video ({float(info.duration):.3f} s)')
    wave = np.concatenate(chunks, axis=1)
    offset = first_time - info.start_seconds
    frame_seconds = Fraction(1) / Fraction(info.fps).limit_denominator(1001000)
    if offset > frame_seconds:
        raise AudioShorterThanVideoError(
            f'the audio track of {path} starts {float(offset):.3f} s after '
            'the first video frame; expected audio that starts with the '
            'video')
    if offset < 0:
        skip = int(round(-offset * rate))
        wave = wave[:, skip:]
    return np.ascontiguousarray(wave), rate


def iter_video_frames(info: VideoInfo,
                      indices: Sequence[int]) -> Iterator[Tuple[int,
                                                                np.ndarray]]:
    """Decode the frames ``indices`` (presentation order) as RGB uint8.

    Args:
        info (VideoInfo): The probe of the file.
        indices (Sequence[int]): Increasing frame indices.

    Yields:
        tuple[int, np.ndarray]: ``(index, frame [H, W, 3])``.

    Raises:
        VideoReadError: If decoding fails or ends before a requested frame.
    """
    av = _av()
    wanted = np.asarray(indices, dtype=np.int64)
    if len(wanted) and (np.diff(wanted) <= 0).any():
        raise ValueError('frame indices must increase strictly')
    path = info.path
    ticks = info.timeline.ticks + info.start_pts
    lookup = {int(t): i for i, t in enumerate(ticks)}
    container = _open(path)
    try:
        stream = container.streams.video[0]
        stream.thread_type = 'AUTO'
        pos = 0
        try:
            for frame in container.decode(stream):
                if pos == len(wanted):
                    break
                index = lookup.get(frame.pts)
                if index is None:
                    continue  # a frame the probe did not list (discarded)
                if index == wanted[pos]:
                    yield index, frame.to_ndarray(format='rgb24')
                    pos += 1
                elif index > wanted[pos]:
                    break
        except av.error.FFmpegError as err:
            raise VideoReadError(
                f'{path} is truncated or corrupt: decoding failed before '
                f'frame {int(wanted[pos])} ({err}); expected a complete '
                'video file') from err
        if pos < len(wanted):
            raise VideoReadError(
                f'{path}: decoding produced no frame {int(wanted[pos])} (of '
                f'{info.num_frames} the container lists); the file is '
                'truncated or corrupt')
    finally:
        container.close()


#: Audio codecs copied into an MP4 file unchanged (others are re-encoded).
MP4_AUDIO_CODECS = ('aac', 'mp3', 'alac', 'ac3', 'eac3', 'opus', 'flac')


class VideoWriter:
    """Write RGB frames (H.264) with audio to an MP4 file.

    The audio is either the audio stream of another file, muxed packet by
    packet without re-encoding (``audio_from``; the frames keep that
    file's timestamps, so picture and sound stay as in the source), or a
    waveform encoded to AAC (``audio_rate`` + :meth:`write_audio`).

    Use it as a context manager, calling :meth:`write_frame` for every
    frame.

    Args:
        path (str): Output file (``.mp4``).
        width (int), height (int): Frame size (odd sizes are padded by one
            row/column, which yuv420p needs).
        time_base (Fraction): Seconds per timestamp tick of the frames.
        fps (float): Nominal frame rate (stream metadata).
        audio_from (str, optional): Copy the first audio stream of this
            file (re-encoded to AAC when MP4 cannot hold its codec).
        audio_rate (int, optional): Sample rate of a waveform to encode with
            :meth:`write_audio`.
        audio_channels (int): Channels of that waveform (1 or 2).
        crf (int): x264 quality (lower is better). Defaults to 18.
    """

    def __init__(self,
                 path: str,
                 width: int,
                 height: int,
                 time_base: Fraction,
                 fps: float,
                 audio_from: Optional[str] = None,
                 audio_rate: Optional[int] = None,
                 audio_channels: int = 1,
                 crf: int = 18) -> None:
        av = _av()
        if audio_from is not None and audio_rate is not None:
            raise ValueError('give audio_from or audio_rate, not both')
        self.path = path
        os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
        self.time_base = Fraction(time_base)
        self.width, self.height = int(width), int(height)
        self._source = None
        self._source_packets = None
        self._pending = None
        self._reencode = None
        if audio_from is not None:
            self._source = _open(audio_from)
            if not self._source.streams.audio:
                self._source.close()
                raise NoAudioStreamError(f'{audio_from} has no audio stream '
                                         'to copy')
            src = self._source.streams.audio[0]
            if src.codec_context.name not in MP4_AUDIO_CODECS:
                self._reencode = (audio_from, src.codec_context.sample_rate,
                                  min(2, src.codec_context.channels))
                self._source.close()
                self._source = None
                audio_rate, audio_channels = self._reencode[1:]
        self.container = av.open(path, 'w')
        self.stream = self.container.add_stream(
            'libx264', rate=Fraction(fps).limit_denominator(1001000))
        self.stream.width = self.width + self.width % 2
        self.stream.height = self.height + self.height % 2
        self.stream.pix_fmt = 'yuv420p'
        self.stream.codec_context.time_base = self.time_base
        self.stream.time_base = self.time_base
        self.stream.options = {'crf': str(crf)}
        self.audio_stream = None
        if self._source is not None:
            src = self._source.streams.audio[0]
            self.audio_stream = self.container.add_stream_from_template(src)
            self._source_packets = self._source.demux(src)
        elif audio_rate is not None:
            self.audio_stream = self.container.add_stream(
                'aac', rate=int(audio_rate))
            self.audio_stream.layout = 'mono' if audio_channels == 1 else \
                'stereo'
        self.num_frames = 0
        self._first_pts = None
        self._wave = None

    def _copy_audio_until(self, seconds: Optional[Fraction]) -> None:
        """Mux the copied audio packets that start before ``seconds``
        (all that are left when None)."""
        if self._source_packets is None:
            return
        while True:
            packet = self._pending
            self._pending = None
            if packet is None:
                packet = next(self._source_packets, None)
                if packet is None:
                    self._source_packets = None
                    return
            if packet.size == 0 or packet.dts is None:
                continue
            if seconds is not None and packet.pts is not None and \
                    packet.pts * Fraction(packet.time_base) > seconds:
                self._pending = packet
                return
            packet.stream = self.audio_stream
            self.container.mux(packet)

    def write_frame(self, frame: np.ndarray, pts: int) -> None:
        """Encode one RGB uint8 frame ``[H, W, 3]`` at timestamp ``pts``
        (ticks of ``time_base``)."""
        av = _av()
        if frame.shape != (self.height, self.width, 3):
            raise ValueError(f'{self.path}: frame of shape {frame.shape}, '
                             f'expected {(self.height, self.width, 3)}')
        if self.width % 2 or self.height % 2:
            frame = np.pad(
                frame, ((0, self.height % 2), (0, self.width % 2), (0, 0)),
                mode='edge')
        vf = av.VideoFrame.from_ndarray(
            np.ascontiguousarray(frame), format='rgb24')
        if self._first_pts is None:
            self._first_pts = int(pts)
        vf.pts = int(pts)
        vf.time_base = self.time_base
        for packet in self.stream.encode(vf):
            self.container.mux(packet)
        self._copy_audio_until(vf.pts * self.time_base)
        self.num_frames += 1

    def write_audio(self, wave: np.ndarray, sample_rate: int) -> None:
        """Set a waveform ``[C, L]`` (or ``[L]``) to encode to AAC when the
        file is closed; its sample 0 plays with the first frame."""
        if self.audio_stream is None or self._source is not None or \
                sample_rate != self.audio_stream.codec_context.sample_rate:
            raise ValueError(f'{self.path}: construct the writer with '
                             f'audio_rate={sample_rate} to encode audio')
        self._wave = (np.atleast_2d(np.asarray(wave, dtype=np.float32)),
                      int(sample_rate))

    def _encode_audio(self) -> None:
        av = _av()
        wave, sample_rate = self._wave
        channels = self.audio_stream.codec_context.channels
        if wave.shape[0] != channels:
            wave = np.repeat(wave.mean(0, keepdims=True), channels, 0)
        offset = 0
        if self._first_pts is not None:
            offset = round(self._first_pts * self.time_base * sample_rate)
        frame_size = self.audio_stream.codec_context.frame_size or 1024
        for start in range(0, wave.shape[1], frame_size):
            chunk = np.ascontiguousarray(
                np.clip(wave[:, start:start + frame_size], -1, 1))
            af = av.AudioFrame.from_ndarray(
                chunk, format='fltp', layout=self.audio_stream.layout.name)
            af.sample_rate = sample_rate
            af.pts = offset + start
            af.time_base = Fraction(1, sample_rate)
            for packet in self.audio_stream.encode(af):
                self.container.mux(packet)
        for packet in self.audio_stream.encode(None):
            self.container.mux(packet)

    def close(self) -> None:
        """Flush the encoder, mux what is left of the audio, close."""
        for packet in self.stream.encode(None):
            self.container.mux(packet)
        if self._reencode is not None:
            wave, rate = read_audio_track(probe_video(self._reencode[0]))
            self._wave = (wave[:2].astype(np.float32), rate)
            self._reencode = None
        if self._wave is not None:
            self._encode_audio()
        self._copy_audio_until(None)
        self.container.close()
        if self._source is not None:
            self._source.close()

    def __enter__(self) -> 'VideoWriter':
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is None:
            self.close()
        else:
            self.container.close()
            if self._source is not None:
                self._source.close()
