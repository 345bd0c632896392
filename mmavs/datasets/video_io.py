# Copyright (c) mmavs contributors. All rights reserved.
"""Video files with PyAV: probe, decode frames and audio, write.

Small, general helpers for everything in mmavs that touches a video file
(dataset converters, inference on a user's video, demos). They decode with
PyAV (``av`` on PyPI, FFmpeg bundled, no system ffmpeg) and raise
:class:`VideoFileError` (a ``ValueError``) naming the file and what was
expected for every bad input: a missing file (:class:`VideoNotFoundError`,
also a ``FileNotFoundError``), an unreadable or truncated container, a
missing video or audio stream (:class:`MissingStreamError`), a decoding
error in the middle of a stream.

Frames are selected by index (:func:`read_frames`, counting decoded frames
from a start time, the way the AVSBench preprocessing picks them) or by
time (:func:`frames_at_times`, the frame shown at each time); audio is
decoded and resampled by FFmpeg's ``libswresample`` (:func:`read_audio`),
the resampler ``ffmpeg -ar`` uses.
"""
import os
import os.path as osp
from dataclasses import dataclass
from typing import Iterator, List, Optional, Sequence, Tuple

import numpy as np

__all__ = [
    'VideoFileError', 'VideoNotFoundError', 'MissingStreamError',
    'VideoInfo', 'FrameSelection', 'probe_video', 'iter_frames',
    'read_frames', 'frames_at_times', 'read_audio', 'write_video'
]


class VideoFileError(ValueError):
    """A video file is missing, unreadable, truncated or lacks a stream."""


class VideoNotFoundError(VideoFileError, FileNotFoundError):
    """A video file does not exist."""


class MissingStreamError(VideoFileError):
    """A video file has no video (or no audio) stream."""


@dataclass
class VideoInfo:
    """What :func:`probe_video` reads from a container.

    Attributes:
        path (str): The file.
        duration (float | None): Container duration in seconds.
        has_video (bool): Whether it holds a video stream.
        width (int): Frame width (0 without video).
        height (int): Frame height (0 without video).
        fps (float): Average frame rate (0.0 when unknown).
        num_frames (int): Frames the container declares (0 when unknown;
            decode to count them).
        has_audio (bool): Whether it holds an audio stream.
        audio_sample_rate (int): Sample rate of the first audio stream.
        audio_channels (int): Its channels.
    """
    path: str
    duration: Optional[float]
    has_video: bool
    width: int
    height: int
    fps: float
    num_frames: int
    has_audio: bool
    audio_sample_rate: int
    audio_channels: int


@dataclass
class FrameSelection:
    """Frames picked by :func:`read_frames`.

    Attributes:
        frames (list[np.ndarray]): RGB uint8 ``(H, W, 3)`` frames, one per
            requested index.
        indices (list[int]): The frame index each one comes from (an index
            past the end of the video is replaced by the last frame's).
        num_decoded (int): Frames decoded from the start time (all of them
            when some requested index lies past the end).
        clamped (list[int]): The requested indices past the end.
    """
    frames: List[np.ndarray]
    indices: List[int]
    num_decoded: int
    clamped: List[int]


def _open(path: str):
    """Open ``path`` with PyAV; errors name the file."""
    import av
    if not osp.isfile(path):
        raise VideoNotFoundError(f'video file not found: {path}')
    if osp.getsize(path) == 0:
        raise VideoFileError(f'video file {path} is empty (0 bytes)')
    try:
        return av.open(path)
    except av.FFmpegError as err:
        raise VideoFileError(
            f'cannot open video file {path} (unreadable or truncated '
            f'container): {err}') from err


def _stream(container, kind: str, path: str):
    streams = getattr(container.streams, kind)
    if not streams:
        raise MissingStreamError(
            f'video file {path} has no {kind} stream; expected a file with '
            f'{"an audio track" if kind == "audio" else "video frames"}')
    return streams[0]


def probe_video(path: str) -> VideoInfo:
    """Read the streams and duration of a video file.

    Args:
        path (str): The file.

    Returns:
        VideoInfo: What the container declares.

    Raises:
        VideoFileError: If the file is missing, empty or unreadable.
    """
    with _open(path) as container:
        video = container.streams.video[0] if container.streams.video \
            else None
        audio = container.streams.audio[0] if container.streams.audio \
            else None
        duration = (container.duration / 1e6
                    if container.duration is not None else None)
        fps = 0.0
        if video is not None:
            rate = video.average_rate or video.guessed_rate or \
                video.base_rate
            fps = float(rate) if rate else 0.0
        return VideoInfo(
            path=path,
            duration=duration,
            has_video=video is not None,
            width=int(video.codec_context.width) if video else 0,
            height=int(video.codec_context.height) if video else 0,
            fps=fps,
            num_frames=int(video.frames) if video else 0,
            has_audio=audio is not None,
            audio_sample_rate=int(audio.codec_context.sample_rate)
            if audio else 0,
            audio_channels=int(audio.codec_context.channels) if audio else 0)


def iter_frames(path: str,
                start: float = 0.0,
                end: Optional[float] = None
                ) -> Iterator[Tuple[int, float, np.ndarray]]:
    """Decode the frames of a video in order.

    Args:
        path (str): The file.
        start (float): Skip frames shown before this time (seconds); the
            first frame at or after it has index 0. Defaults to 0.
        end (float, optional): Stop before the first frame at or after this
            time.

    Yields:
        tuple[int, float, np.ndarray]: Index from ``start``, presentation
        time in seconds, RGB uint8 ``(H, W, 3)`` frame.

    Raises:
        VideoFileError: If the file cannot be opened, has no video stream or
            a frame cannot be decoded (the message names the frame).
    """
    import av
    with _open(path) as container:
        stream = _stream(container, 'video', path)
        stream.thread_type = 'AUTO'
        if start > 0 and stream.time_base:
            container.seek(
                int(start / stream.time_base), stream=stream, backward=True)
        # a frame whose time is within half a frame of ``start`` counts
        rate = stream.average_rate or stream.guessed_rate
        half = 0.5 / float(rate) if rate else 1e-6
        index = 0
        decoded = container.decode(stream)
        while True:
            try:
                frame = next(decoded)
            except StopIteration:
                return
            except av.FFmpegError as err:
                raise VideoFileError(
                    f'cannot decode frame {index} (after {start:g} s) of '
                    f'video file {path}: {err}') from err
            time = frame.time if frame.time is not None else index * 2 * half
            if time < start - half:
                continue
            if end is not None and time >= end - half:
                return
            yield index, float(time), frame.to_ndarray(format='rgb24')
            index += 1


def read_frames(path: str,
                indices: Sequence[int],
                start: float = 0.0) -> FrameSelection:
    """Pick frames by their index among the decoded frames.

    Decodes sequentially from ``start`` and stops after the largest index.
    An index past the last frame takes the last frame (as the AVSBench
    preprocessing does); :attr:`FrameSelection.clamped` lists them so the
    caller can report it.

    Args:
        path (str): The file.
        indices (Sequence[int]): Frame indices (>= 0), counted from the
            first frame at or after ``start``.
        start (float): Start time in seconds. Defaults to 0.

    Returns:
        FrameSelection: The frames, in the order of ``indices``.

    Raises:
        VideoFileError: As :func:`iter_frames`, or if no frame is decoded.
    """
    wanted = sorted(set(int(i) for i in indices))
    if not wanted or wanted[0] < 0:
        raise ValueError(f'frame indices must be >= 0, got {list(indices)}')
    picked = {}
    last, count = None, 0
    for index, _, frame in iter_frames(path, start=start):
        count = index + 1
        last = (index, frame)
        if index in wanted:
            picked[index] = frame
        if index >= wanted[-1]:
            break
    if last is None:
        raise VideoFileError(
            f'video file {path} has no decodable frame after {start:g} s; '
            'expected a video stream with frames')
    clamped = [i for i in indices if int(i) not in picked]
    frames, used = [], []
    for i in indices:
        i = int(i)
        frame = picked.get(i)
        if frame is None:
            i, frame = last
        frames.append(frame)
        used.append(i)
    return FrameSelection(frames, used, count, clamped)


def frames_at_times(path: str, times: Sequence[float]) -> FrameSelection:
    """The frame shown at each time (the last one starting at or before it).

    Args:
        path (str): The file.
        times (Sequence[float]): Times in seconds (>= 0).

    Returns:
        FrameSelection: One frame per time; ``indices`` are the frames'
        indices from the start of the video, ``clamped`` the positions of
        ``times`` before the first frame (which then takes the first frame).

    Raises:
        VideoFileError: As :func:`iter_frames`.
    """
    times = [float(t) for t in times]
    if not times:
        raise ValueError('times must not be empty')
    order = sorted(range(len(times)), key=lambda k: times[k])
    out: List[Optional[Tuple[int, np.ndarray]]] = [None] * len(times)
    first = prev = None
    pos = 0
    count = 0
    for index, time, frame in iter_frames(path):
        count = index + 1
        if first is None:
            first = (index, frame)
        while pos < len(order) and times[order[pos]] < time - 1e-9:
            out[order[pos]] = prev
            pos += 1
        prev = (index, frame)
        if pos == len(order):
            break
    if first is None:
        raise VideoFileError(f'video file {path} has no decodable frame')
    while pos < len(order):
        out[order[pos]] = prev
        pos += 1
    clamped = [k for k, o in enumerate(out) if o is None]
    out = [first if o is None else o for o in out]
    return FrameSelection([o[1] for o in out], [o[0] for o in out], count,
                          clamped)


def read_audio(path: str,
               sample_rate: Optional[int] = None,
               mono: bool = True,
               start: float = 0.0,
               duration: Optional[float] = None,
               sample_format: str = 'flt') -> Tuple[np.ndarray, int]:
    """Decode the first audio stream of a file, resampled by FFmpeg.

    Resampling uses ``libswresample`` with its defaults (the filter
    ``ffmpeg -ar RATE`` applies); ``mono`` then averages the channels (as
    VGGish's ``wavfile_to_examples`` averages those of a stereo wav; FFmpeg's
    own ``-ac 1`` down-mix would scale a stereo sum by ``1/sqrt(2)``
    instead).

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
        VideoFileError: If the file cannot be opened or decoded, has no
            audio stream (:class:`MissingStreamError`) or holds no sample.
    """
    import av
    if sample_format not in ('flt', 's16'):
        raise ValueError(f"sample_format must be 'flt' or 's16', got "
                         f'{sample_format!r}')
    with _open(path) as container:
        stream = _stream(container, 'audio', path)
        rate = int(sample_rate or stream.codec_context.sample_rate)
        resampler = av.AudioResampler(format=sample_format + 'p', rate=rate)
        if start > 0 and stream.time_base:
            container.seek(
                int(start / stream.time_base), stream=stream, backward=True)
        chunks, first_time = [], None
        decoded = container.decode(stream)
        while True:
            try:
                frame = next(decoded)
            except StopIteration:
                break
            except av.FFmpegError as err:
                raise VideoFileError(
                    f'cannot decode the audio of video file {path} after '
                    f'{sum(c.shape[1] for c in chunks) / rate:.3f} s: '
                    f'{err}') from err
            if first_time is None:
                first_time = frame.time or 0.0
            chunks += [f.to_ndarray() for f in resampler.resample(frame)]
            if duration is not None and sum(
                    c.shape[1] for c in chunks) / rate >= (
                        start - first_time + duration + 0.1):
                break
        chunks += [f.to_ndarray() for f in resampler.resample(None)]
    if not chunks:
        raise VideoFileError(f'the audio stream of video file {path} holds '
                             'no sample; expected a non-empty audio track')
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
        raise VideoFileError(f'video file {path} holds no audio after '
                             f'{start:g} s')
    return np.ascontiguousarray(data), rate


def write_video(path: str,
                frames: Sequence[np.ndarray],
                fps: float,
                audio: Optional[np.ndarray] = None,
                sample_rate: Optional[int] = None,
                video_codec: str = 'libx264',
                pix_fmt: str = 'yuv420p',
                video_options: Optional[dict] = None,
                audio_codec: str = 'aac',
                audio_rate: Optional[int] = None,
                audio_bit_rate: Optional[int] = None) -> str:
    """Encode RGB frames (and an audio track) into a video file.

    Args:
        path (str): Target file; the container follows the extension.
        frames (Sequence[np.ndarray]): RGB uint8 ``(H, W, 3)`` frames of one
            size (even height and width for ``yuv420p``).
        fps (float): Frame rate.
        audio (np.ndarray, optional): ``[L]`` or ``[C, L]`` float waveform
            in [-1, 1].
        sample_rate (int, optional): Its rate (required with ``audio``).
        video_codec (str): Defaults to ``'libx264'``.
        pix_fmt (str): Defaults to ``'yuv420p'``.
        video_options (dict, optional): Encoder options (e.g.
            ``{'crf': '18'}``).
        audio_codec (str): ``'aac'`` (default), ``'alac'``, ``'flac'``...
        audio_rate (int, optional): Encode the audio at this rate
            (resampled by ``libswresample``); defaults to ``sample_rate``.
        audio_bit_rate (int, optional): Bit rate of a lossy audio codec.

    Returns:
        str: ``path``.
    """
    import av
    from fractions import Fraction
    frames = list(frames)
    if not frames:
        raise ValueError(f'write_video({path}): no frame given')
    height, width = frames[0].shape[:2]
    os.makedirs(osp.dirname(path) or '.', exist_ok=True)
    with av.open(path, mode='w') as container:
        vstream = container.add_stream(
            video_codec,
            rate=Fraction(fps).limit_denominator(1001),
            options=dict(video_options or {}))
        vstream.width, vstream.height, vstream.pix_fmt = width, height, \
            pix_fmt
        astream = None
        if audio is not None:
            if not sample_rate:
                raise ValueError('write_video: audio needs sample_rate')
            wave = np.atleast_2d(np.asarray(audio, dtype=np.float32))
            rate = int(audio_rate or sample_rate)
            astream = container.add_stream(audio_codec, rate=rate)
            astream.layout = 'mono' if wave.shape[0] == 1 else 'stereo'
            if audio_bit_rate:
                astream.bit_rate = int(audio_bit_rate)
        for image in frames:
            if image.shape[:2] != (height, width):
                raise ValueError(
                    f'write_video({path}): frame of size {image.shape[:2]}, '
                    f'expected {(height, width)}')
            frame = av.VideoFrame.from_ndarray(
                np.ascontiguousarray(image, dtype=np.uint8), format='rgb24')
            container.mux(vstream.encode(frame))
        container.mux(vstream.encode(None))
        if astream is not None:
            fmt = astream.codec_context.format.name
            resampler = av.AudioResampler(
                format=fmt, layout=astream.layout.name, rate=rate)
            block = 1024
            pts = 0
            for i in range(0, wave.shape[1], block):
                chunk = np.ascontiguousarray(wave[:, i:i + block])
                frame = av.AudioFrame.from_ndarray(
                    chunk, format='fltp', layout=astream.layout.name)
                frame.sample_rate = int(sample_rate)
                frame.pts = pts
                frame.time_base = Fraction(1, int(sample_rate))
                pts += chunk.shape[1]
                for out in resampler.resample(frame):
                    container.mux(astream.encode(out))
            for out in resampler.resample(None):
                container.mux(astream.encode(out))
            container.mux(astream.encode(None))
    return path
