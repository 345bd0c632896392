# Copyright (c) mmavs contributors. All rights reserved.
"""Video files with PyAV: probe, decode frames and audio, write.

The one module of mmavs that touches video files: the dataset converters
(``tools/dataset_converters``), inference on a user's video
(:mod:`mmavs.apis`), the demos and the test fixtures use it. PyAV (``av`` on
PyPI) bundles the FFmpeg libraries in its wheel: no system ffmpeg is
needed.

Reading:

- :func:`probe_video` demuxes the video stream without decoding it and
  returns the frames' presentation timestamps (:class:`VideoInfo`, its
  :class:`FrameTimeline`); packets FFmpeg marks as discarded (edit lists)
  are not frames.
- :func:`iter_video_frames` decodes the frames of given indices (in
  presentation order, RGB uint8), seeking to the key frame before the first
  one. On top of it, :func:`read_frames` picks frames by their index
  counted from a start time (the way the AVSBench preprocessing picks
  them; an index past the end takes the last frame and is reported) and
  :func:`frames_at_times` the frame shown at each time.
- :func:`read_audio_track` decodes the whole audio track as float64
  ``[C, L]`` at its own rate (integer samples scaled by
  ``1 / 2**(bits - 1)``, as soundfile scales wav files), placed on the
  video's clock: sample 0 is the first video frame's timestamp (inference).
  :func:`read_audio` decodes a time range resampled by FFmpeg's
  ``libswresample`` (the resampler ``ffmpeg -ar`` uses), averaged to mono,
  as float32 or 16-bit PCM (dataset conversion).

Every bad input raises a :class:`VideoInputError` (a ``ValueError``)
subclass naming the file and what was expected: :class:`VideoReadError`
(unreadable, truncated or corrupt container, no video stream),
:class:`VideoNotFoundError` (also a ``FileNotFoundError``),
:class:`NoAudioStreamError`, :class:`EmptyVideoError` (no frame, or an
empty file), :class:`AudioShorterThanVideoError`.

Writing (:class:`VideoWriter`, and :func:`write_video` for a list of
frames): H.264 (``libx264``, yuv420p, playable everywhere; codec, pixel
format and options can be chosen) in MP4, with the audio either copied
packet by packet from a source video (``audio_from``: the original audio,
bit for bit) or encoded from a waveform (``write_audio``; AAC by default,
resampled and converted by ``libswresample`` when the encoder needs another
rate or sample format). Audio frames are given timestamps, so the AAC
encoder's priming samples get negative timestamps and the MP4 muxer writes
the edit list that makes decoders skip them: sample 0 plays with the first
frame.
"""
import os
import os.path as osp
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterator, List, Optional, Sequence, Tuple

import numpy as np

__all__ = [
    'VideoInputError', 'VideoReadError', 'VideoNotFoundError',
    'NoAudioStreamError', 'EmptyVideoError', 'AudioShorterThanVideoError',
    'FrameTimeline', 'VideoInfo', 'FrameSelection', 'probe_video',
    'iter_video_frames', 'read_frames', 'frames_at_times',
    'read_audio_track', 'read_audio', 'VideoWriter', 'write_video'
]


class VideoInputError(ValueError):
    """A video file (or its audio) is not what was expected."""


class VideoReadError(VideoInputError):
    """A video file is unreadable, truncated or corrupt, or has no video
    stream."""


class VideoNotFoundError(VideoReadError, FileNotFoundError):
    """A video file does not exist."""


class NoAudioStreamError(VideoInputError):
    """A video file has no audio stream."""


class EmptyVideoError(VideoInputError):
    """A video file is empty or holds no video frame."""


class AudioShorterThanVideoError(VideoInputError):
    """An audio track ends before the video does."""


def _av():
    try:
        import av
    except ImportError as err:  # pragma: no cover - av is a requirement
        raise ImportError('video input/output needs PyAV: pip install av '
                          '(it bundles FFmpeg)') from err
    return av


def _open(path: str):
    """Open ``path`` for reading; errors name the file."""
    av = _av()
    if not osp.isfile(path):
        raise VideoNotFoundError(f'video file not found: {path}')
    if osp.getsize(path) == 0:
        raise EmptyVideoError(f'{path} is empty (0 bytes, zero-length '
                              'video); expected a video file')
    try:
        return av.open(path)
    except av.error.FFmpegError as err:
        raise VideoReadError(
            f'cannot read video file {path}: {err}; expected a video '
            'container FFmpeg can read (mp4, mkv, mov, avi, webm, ...), '
            'complete and not truncated') from err


def _audio_stream(container, path: str):
    if not container.streams.audio:
        raise NoAudioStreamError(f'{path} has no audio stream; expected a '
                                 'video with its own audio track')
    return container.streams.audio[0]


@dataclass
class FrameTimeline:
    """The presentation times of a video's frames.

    Args:
        ticks (np.ndarray): int64 ``[N]`` increasing timestamps of the
            frames, relative to the first frame (``ticks[0] == 0``).
        end_tick (int): End of the last frame (its timestamp plus its
            duration), same unit.
        time_base (Fraction): Seconds per tick.
    """
    ticks: np.ndarray
    end_tick: int
    time_base: Fraction

    def __post_init__(self) -> None:
        self.ticks = np.asarray(self.ticks, dtype=np.int64)
        self.time_base = Fraction(self.time_base)
        if self.ticks.ndim != 1:
            raise ValueError('ticks must be a 1-D array')
        if len(self.ticks) and (self.ticks[0] != 0 or
                                (np.diff(self.ticks) <= 0).any()):
            raise ValueError('ticks must start at 0 and increase strictly')
        if len(self.ticks) and self.end_tick <= self.ticks[-1]:
            raise ValueError(f'end_tick {self.end_tick} must follow the last '
                             f'frame tick {self.ticks[-1]}')

    @classmethod
    def constant_rate(cls, num_frames: int, fps: float) -> 'FrameTimeline':
        """``num_frames`` frames at a constant rate ``fps`` (frame ``i`` at
        ``i / fps``)."""
        rate = Fraction(fps).limit_denominator(1001000)
        if rate <= 0:
            raise ValueError(f'fps must be > 0, got {fps}')
        return cls(
            np.arange(num_frames, dtype=np.int64), num_frames, 1 / rate)

    def __len__(self) -> int:
        return len(self.ticks)

    @property
    def duration(self) -> Fraction:
        """Seconds from the first frame to the end of the last."""
        return self.end_tick * self.time_base

    @property
    def times(self) -> np.ndarray:
        """float64 ``[N]`` frame start times in seconds."""
        return self.ticks * float(self.time_base)

    def frame_end(self, index: int) -> Fraction:
        """End of the display of frame ``index`` (seconds)."""
        nxt = self.ticks[index + 1] if index + 1 < len(self) else \
            self.end_tick
        return int(nxt) * self.time_base

    def ticks_of(self, seconds: Fraction) -> Fraction:
        """``seconds`` in ticks (exact)."""
        return Fraction(seconds) / self.time_base




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

    @property
    def has_audio(self) -> bool:
        """Whether the file has an audio stream."""
        return self.audio_rate is not None

    @property
    def frame_times(self) -> np.ndarray:
        """float64 ``[N]`` presentation times of the frames in seconds on
        the container's clock (``start_seconds`` plus the timeline)."""
        return float(self.start_seconds) + self.timeline.times


def probe_video(path: str, require_audio: bool = True) -> VideoInfo:
    """Demux a video file and return its frame times.

    Args:
        path (str): The video file.
        require_audio (bool): Refuse a file without an audio stream.
            Defaults to True.

    Returns:
        VideoInfo: The frame timeline and stream properties.

    Raises:
        VideoNotFoundError: The file does not exist.
        VideoReadError: Unreadable or truncated file, no video stream, or
            frames without timestamps.
        NoAudioStreamError: No audio stream (with ``require_audio``).
        EmptyVideoError: An empty file, or a video stream without frames.
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
            _audio_stream(container, path)
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


def iter_video_frames(info: VideoInfo,
                      indices: Sequence[int]) -> Iterator[Tuple[int,
                                                                np.ndarray]]:
    """Decode the frames ``indices`` (presentation order) as RGB uint8.

    Decoding starts at the key frame before the first requested frame (a
    seek) and stops after the last one.

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
    if len(wanted) == 0:
        return
    path = info.path
    ticks = info.timeline.ticks + info.start_pts
    lookup = {int(t): i for i, t in enumerate(ticks)}
    container = _open(path)
    try:
        stream = container.streams.video[0]
        stream.thread_type = 'AUTO'
        if wanted[0] > 0:
            container.seek(
                int(ticks[wanted[0]]), stream=stream, backward=True)
        pos = 0
        try:
            for frame in container.decode(stream):
                index = lookup.get(frame.pts)
                if index is None:
                    continue  # a frame the probe did not list (discarded)
                if index == wanted[pos]:
                    yield index, frame.to_ndarray(format='rgb24')
                    pos += 1
                    if pos == len(wanted):
                        break
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


@dataclass
class FrameSelection:
    """Frames picked by :func:`read_frames` or :func:`frames_at_times`.

    Attributes:
        frames (list[np.ndarray]): RGB uint8 ``(H, W, 3)`` frames, one per
            request.
        indices (list[int]): The frame each one is: for :func:`read_frames`
            counted from the start time, for :func:`frames_at_times` from
            the first frame of the video.
        num_available (int): Frames of the video from the start time on
            (all frames for :func:`frames_at_times`).
        clamped (list[int]): For :func:`read_frames`, the requested indices
            past the end (they take the last frame); for
            :func:`frames_at_times`, the positions of the times before the
            first frame (they take the first frame).
    """
    frames: List[np.ndarray]
    indices: List[int]
    num_available: int
    clamped: List[int]


def _decode_selected(info: VideoInfo, absolute: Sequence[int]) -> list:
    """Frames at absolute indices (any order, repeats allowed)."""
    unique = sorted(set(int(i) for i in absolute))
    decoded = dict(iter_video_frames(info, unique))
    return [decoded[int(i)] for i in absolute]


def read_frames(path: str,
                indices: Sequence[int],
                start: float = 0.0,
                info: Optional[VideoInfo] = None) -> FrameSelection:
    """Pick frames by their index counted from a start time.

    Frame 0 is the first frame shown at or after ``start`` (a frame within
    half a frame period of ``start`` counts). An index past the last frame
    takes the last frame (as the AVSBench preprocessing does);
    :attr:`FrameSelection.clamped` lists them so the caller can report it.

    Args:
        path (str): The file.
        indices (Sequence[int]): Frame indices (>= 0).
        start (float): Start time in seconds on the container's clock.
            Defaults to 0.
        info (VideoInfo, optional): The probe of ``path`` (probed, audio not
            required, when None).

    Returns:
        FrameSelection: The frames, in the order of ``indices``.

    Raises:
        VideoInputError: As :func:`probe_video` and
            :func:`iter_video_frames`, or if no frame is shown after
            ``start``.
    """
    indices = [int(i) for i in indices]
    if not indices or min(indices) < 0:
        raise ValueError(f'frame indices must be >= 0, got {indices}')
    info = info or probe_video(path, require_audio=False)
    half = 0.5 / info.fps
    first = int(np.searchsorted(info.frame_times, start - half, 'left'))
    available = info.num_frames - first
    if available <= 0:
        raise EmptyVideoError(
            f'{path} has no frame after {start:g} s (it lasts '
            f'{float(info.start_seconds + info.duration):.3f} s); expected a '
            'video covering the clip')
    clamped = [i for i in indices if i >= available]
    used = [min(i, available - 1) for i in indices]
    frames = _decode_selected(info, [first + i for i in used])
    return FrameSelection(frames, used, available, clamped)


def frames_at_times(path: str,
                    times: Sequence[float],
                    info: Optional[VideoInfo] = None) -> FrameSelection:
    """The frame shown at each time (the last one starting at or before
    it, 1 ns tolerance).

    Args:
        path (str): The file.
        times (Sequence[float]): Times in seconds on the container's clock.
        info (VideoInfo, optional): The probe of ``path``.

    Returns:
        FrameSelection: One frame per time; ``clamped`` holds the positions
        of ``times`` before the first frame (which take the first frame).

    Raises:
        VideoInputError: As :func:`probe_video` and
            :func:`iter_video_frames`.
    """
    times = np.asarray([float(t) for t in times], dtype=np.float64)
    if times.size == 0:
        raise ValueError('times must not be empty')
    info = info or probe_video(path, require_audio=False)
    index = np.searchsorted(info.frame_times, times + 1e-9, 'right') - 1
    clamped = np.flatnonzero(index < 0).tolist()
    index = np.maximum(index, 0).tolist()
    return FrameSelection(
        _decode_selected(info, index), index, info.num_frames, clamped)


def _to_float(samples: np.ndarray) -> np.ndarray:
    """Decoded samples ``[C, L]`` as float64 in [-1, 1]."""
    if samples.dtype.kind == 'f':
        return samples.astype(np.float64)
    if samples.dtype == np.uint8:
        return (samples.astype(np.float64) - 128.0) / 128.0
    bits = samples.dtype.itemsize * 8
    return samples.astype(np.float64) / float(2**(bits - 1))


def _decoded_audio(container, stream, path: str) -> Iterator:
    """The audio frames of ``stream``; a decoding error names the file and
    how far decoding got."""
    av = _av()
    decoded = container.decode(stream)
    seconds = 0.0
    while True:
        try:
            frame = next(decoded)
        except StopIteration:
            return
        except av.error.FFmpegError as err:
            raise VideoReadError(
                f'cannot decode the audio of {path} after {seconds:.3f} s '
                f'({err}); expected a complete, readable audio track'
            ) from err
        seconds += frame.samples / float(frame.sample_rate)
        yield frame


def read_audio_track(info: VideoInfo) -> Tuple[np.ndarray, int]:
    """Decode a video's whole audio track, aligned with its first frame.

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
    path = info.path
    container = _open(path)
    try:
        stream = _audio_stream(container, path)
        chunks = []
        first_time = None
        for frame in _decoded_audio(container, stream, path):
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
            chunks.append(_to_float(arr))
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


def read_audio(path: str,
               sample_rate: Optional[int] = None,
               mono: bool = True,
               start: float = 0.0,
               duration: Optional[float] = None,
               sample_format: str = 'flt') -> Tuple[np.ndarray, int]:
    """Decode the first audio stream of a file in a time range, resampled
    by FFmpeg.

    Resampling uses ``libswresample`` with its defaults (the filter
    ``ffmpeg -ar RATE`` applies); ``mono`` then averages the channels (as
    VGGish's ``wavfile_to_examples`` averages those of a stereo wav;
    FFmpeg's own ``-ac 1`` down-mix would scale a stereo sum by
    ``1/sqrt(2)`` instead). Times are on the container's clock.

    Args:
        path (str): The file (any container FFmpeg reads: mp4, mkv, wav...).
        sample_rate (int, optional): Output rate; ``None`` keeps the
            stream's.
        mono (bool): Average the channels into one (16-bit output:
            rounded to the nearest integer). Defaults to True.
        start (float): Skip the audio before this time (seconds).
        duration (float, optional): Keep at most this many seconds.
        sample_format (str): ``'flt'`` (float32 in [-1, 1]) or ``'s16'``
            (int16, as FFmpeg writes 16-bit PCM). Defaults to ``'flt'``.

    Returns:
        tuple[np.ndarray, int]: ``[C, L]`` samples and their rate.

    Raises:
        VideoInputError: If the file cannot be opened or decoded, has no
            audio stream (:class:`NoAudioStreamError`) or holds no sample
            after ``start`` (:class:`AudioShorterThanVideoError`).
    """
    av = _av()
    if sample_format not in ('flt', 's16'):
        raise ValueError(f"sample_format must be 'flt' or 's16', got "
                         f'{sample_format!r}')
    with _open(path) as container:
        stream = _audio_stream(container, path)
        rate = int(sample_rate or stream.codec_context.sample_rate)
        resampler = av.AudioResampler(format=sample_format + 'p', rate=rate)
        if start > 0 and stream.time_base:
            container.seek(
                int(start / stream.time_base), stream=stream, backward=True)
        chunks, first_time, have = [], None, 0
        for frame in _decoded_audio(container, stream, path):
            if first_time is None:
                first_time = frame.time or 0.0
            for out in resampler.resample(frame):
                chunks.append(out.to_ndarray())
                have += chunks[-1].shape[1]
            if duration is not None and have / rate >= (
                    start - first_time + duration + 0.1):
                break
        chunks += [f.to_ndarray() for f in resampler.resample(None)]
    if not chunks:
        raise AudioShorterThanVideoError(
            f'the audio stream of {path} holds no sample; expected a '
            'non-empty audio track')
    data = np.concatenate(chunks, axis=1)
    if mono and data.shape[0] > 1:
        # the mean of the channels, as VGGish's wavfile_to_examples takes
        # it (FFmpeg's own down-mix scales a stereo sum by 1/sqrt(2))
        mean = data.astype(np.float64).mean(axis=0, keepdims=True)
        data = (np.round(mean).astype(np.int16)
                if sample_format == 's16' else mean.astype(np.float32))
    skip = max(0, int(round((start - (first_time or 0.0)) * rate)))
    data = data[:, skip:]
    if duration is not None:
        data = data[:, :int(round(duration * rate))]
    if data.shape[1] == 0:
        raise AudioShorterThanVideoError(
            f'{path} holds no audio after {start:g} s; expected audio '
            'covering the clip')
    return np.ascontiguousarray(data), rate


#: Audio codecs copied into an MP4 file unchanged (others are re-encoded).
MP4_AUDIO_CODECS = ('aac', 'mp3', 'alac', 'ac3', 'eac3', 'opus', 'flac')


class VideoWriter:
    """Write RGB frames with audio to a video file (H.264 in MP4 by
    default).

    The audio is either the audio stream of another file, muxed packet by
    packet without re-encoding (``audio_from``; the frames keep that
    file's timestamps, so picture and sound stay as in the source), or a
    waveform encoded with ``audio_codec`` (``audio_rate`` +
    :meth:`write_audio`).

    Use it as a context manager, calling :meth:`write_frame` for every
    frame.

    Args:
        path (str): Output file (the container follows the extension).
        width (int), height (int): Frame size (odd sizes are padded by one
            row/column, which yuv420p needs).
        time_base (Fraction): Seconds per timestamp tick of the frames.
        fps (float): Nominal frame rate (stream metadata).
        audio_from (str, optional): Copy the first audio stream of this
            file (re-encoded when MP4 cannot hold its codec).
        audio_rate (int, optional): Sample rate of the encoded audio
            (:meth:`write_audio` resamples a waveform of another rate).
        audio_channels (int): Channels of the encoded audio (1 or 2).
        crf (int): x264 quality (lower is better). Defaults to 18.
        video_codec (str): Defaults to ``'libx264'``.
        pix_fmt (str): Defaults to ``'yuv420p'``.
        video_options (dict, optional): More encoder options (e.g.
            ``{'crf': '0'}`` overrides ``crf``).
        audio_codec (str): Encoder of a written waveform: ``'aac'``
            (default), ``'alac'``, ``'flac'``, ``'pcm_s16le'``...
        audio_bit_rate (int, optional): Bit rate of a lossy audio codec.
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
                 crf: int = 18,
                 video_codec: str = 'libx264',
                 pix_fmt: str = 'yuv420p',
                 video_options: Optional[dict] = None,
                 audio_codec: str = 'aac',
                 audio_bit_rate: Optional[int] = None) -> None:
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
            video_codec, rate=Fraction(fps).limit_denominator(1001000))
        self.stream.width = self.width + self.width % 2
        self.stream.height = self.height + self.height % 2
        self.stream.pix_fmt = pix_fmt
        self.stream.codec_context.time_base = self.time_base
        self.stream.time_base = self.time_base
        self.stream.options = {'crf': str(crf), **(video_options or {})}
        self.audio_stream = None
        if self._source is not None:
            src = self._source.streams.audio[0]
            self.audio_stream = self.container.add_stream_from_template(src)
            self._source_packets = self._source.demux(src)
        elif audio_rate is not None:
            self.audio_stream = self.container.add_stream(
                audio_codec, rate=int(audio_rate))
            self.audio_stream.layout = 'mono' if audio_channels == 1 else \
                'stereo'
            if audio_bit_rate:
                self.audio_stream.bit_rate = int(audio_bit_rate)
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
            np.ascontiguousarray(frame, dtype=np.uint8), format='rgb24')
        if self._first_pts is None:
            self._first_pts = int(pts)
        vf.pts = int(pts)
        vf.time_base = self.time_base
        for packet in self.stream.encode(vf):
            self.container.mux(packet)
        self._copy_audio_until(vf.pts * self.time_base)
        self.num_frames += 1

    def write_audio(self, wave: np.ndarray, sample_rate: int) -> None:
        """Set a waveform ``[C, L]`` (or ``[L]``) in [-1, 1] to encode when
        the file is closed; its sample 0 plays with the first frame."""
        if self.audio_stream is None or self._source is not None:
            raise ValueError(f'{self.path}: construct the writer with '
                             'audio_rate=RATE to encode audio')
        self._wave = (np.atleast_2d(np.asarray(wave, dtype=np.float32)),
                      int(sample_rate))

    def _encode_audio(self) -> None:
        av = _av()
        wave, sample_rate = self._wave
        ctx = self.audio_stream.codec_context
        layout = self.audio_stream.layout.name
        if wave.shape[0] != ctx.channels:
            wave = np.repeat(wave.mean(0, keepdims=True), ctx.channels, 0)
        rate = int(ctx.sample_rate)
        # frames in the encoder's rate and sample format
        convert = None
        if ctx.format.name != 'fltp' or sample_rate != rate:
            convert = av.AudioResampler(
                format=ctx.format.name, layout=layout, rate=rate)
        offset = 0
        if self._first_pts is not None:
            offset = round(self._first_pts * self.time_base * rate)
        written = 0

        def encode(frame) -> None:
            nonlocal written
            frame.pts = offset + written
            frame.time_base = Fraction(1, rate)
            written += frame.samples
            for packet in self.audio_stream.encode(frame):
                self.container.mux(packet)

        frame_size = ctx.frame_size or 1024
        for start in range(0, wave.shape[1], frame_size):
            af = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(
                    np.clip(wave[:, start:start + frame_size], -1, 1)),
                format='fltp',
                layout=layout)
            af.sample_rate = sample_rate
            af.pts = start
            af.time_base = Fraction(1, sample_rate)
            for out in (convert.resample(af) if convert else [af]):
                encode(out)
        for out in (convert.resample(None) if convert else []):
            encode(out)
        for packet in self.audio_stream.encode(None):
            self.container.mux(packet)

    def close(self) -> None:
        """Flush the encoder, mux what is left of the audio, close."""
        for packet in self.stream.encode(None):
            self.container.mux(packet)
        if self._reencode is not None:
            wave, rate = read_audio_track(
                probe_video(self._reencode[0], require_audio=True))
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


def write_video(path: str,
                frames: Sequence[np.ndarray],
                fps: float,
                audio: Optional[np.ndarray] = None,
                sample_rate: Optional[int] = None,
                audio_rate: Optional[int] = None,
                **writer_kwargs) -> str:
    """Encode a list of RGB frames (and an audio track) with
    :class:`VideoWriter`; frame ``i`` at ``i / fps``.

    Args:
        path (str): Target file; the container follows the extension.
        frames (Sequence[np.ndarray]): RGB uint8 ``(H, W, 3)`` frames of one
            size.
        fps (float): Frame rate.
        audio (np.ndarray, optional): ``[L]`` or ``[C, L]`` float waveform
            in [-1, 1]; sample 0 plays with the first frame.
        sample_rate (int, optional): Its rate (required with ``audio``).
        audio_rate (int, optional): Encode the audio at this rate
            (resampled by ``libswresample``); defaults to ``sample_rate``.
        **writer_kwargs: ``crf``, ``video_codec``, ``pix_fmt``,
            ``video_options``, ``audio_codec``, ``audio_bit_rate`` of
            :class:`VideoWriter`.

    Returns:
        str: ``path``.
    """
    frames = list(frames)
    if not frames:
        raise ValueError(f'write_video({path}): no frame given')
    height, width = frames[0].shape[:2]
    wave = None
    if audio is not None:
        if not sample_rate:
            raise ValueError('write_video: audio needs sample_rate')
        wave = np.atleast_2d(np.asarray(audio, dtype=np.float32))
    rate = Fraction(fps).limit_denominator(1001)
    with VideoWriter(
            path,
            width,
            height,
            1 / rate,
            rate,
            audio_rate=None if wave is None else int(audio_rate
                                                     or sample_rate),
            audio_channels=1 if wave is None else min(2, wave.shape[0]),
            **writer_kwargs) as writer:
        if wave is not None:
            writer.write_audio(wave, int(sample_rate))
        for i, image in enumerate(frames):
            writer.write_frame(image, i)
    return path
