# Copyright (c) mmavs contributors. All rights reserved.
"""Small video files with an audio track, built by the tests themselves."""
from fractions import Fraction
from typing import Optional, Sequence

import numpy as np


def write_test_video(path: str,
                     frames: Sequence[np.ndarray],
                     fps: int,
                     audio: Optional[np.ndarray] = None,
                     sample_rate: Optional[int] = None,
                     lossless: bool = True) -> str:
    """Encode RGB frames and a waveform into a video file with PyAV.

    ``lossless=True``: H.264 RGB with ``qp=0`` (``libx264rgb``, decoded back
    bit-exact) and 16-bit PCM audio (decoded back as the int16 samples a
    16-bit wav of the same waveform holds). ``lossless=False``: H.264
    yuv420p (crf 23) and AAC, as a phone or ffmpeg would write it.

    Args:
        path (str): Output file (``.mp4``, ``.mkv``...).
        frames (Sequence[np.ndarray]): RGB uint8 ``[H, W, 3]`` frames
            (even sizes for the lossy path).
        fps (int): Frame rate (frame ``i`` at ``i / fps``).
        audio (np.ndarray, optional): Waveform ``[L]`` in [-1, 1]; None
            writes a video without audio stream.
        sample_rate (int, optional): Its rate.
        lossless (bool): See above. Defaults to True.

    Returns:
        str: ``path``.
    """
    import av
    container = av.open(path, 'w')
    height, width = frames[0].shape[:2] if len(frames) else (16, 16)
    video = container.add_stream(
        'libx264rgb' if lossless else 'libx264', rate=int(fps))
    video.width, video.height = width, height
    video.pix_fmt = 'rgb24' if lossless else 'yuv420p'
    video.options = {'qp': '0'} if lossless else {'crf': '23'}
    stream = None
    if audio is not None:
        stream = container.add_stream(
            'pcm_s16le' if lossless else 'aac', rate=int(sample_rate))
        stream.layout = 'mono'
    for i, frame in enumerate(frames):
        vf = av.VideoFrame.from_ndarray(
            np.ascontiguousarray(frame), format='rgb24')
        vf.pts = i
        vf.time_base = Fraction(1, int(fps))
        for packet in video.encode(vf):
            container.mux(packet)
    for packet in video.encode(None):
        container.mux(packet)
    if stream is not None:
        wave = np.asarray(audio, dtype=np.float64)
        if lossless:  # the int16 samples of a 16-bit wav of this waveform
            pcm = np.clip(np.rint(wave * 32768), -32768, 32767)
            samples = pcm.astype(np.int16)[None]
            fmt = 's16'
        else:
            samples = wave.astype(np.float32)[None]
            fmt = 'fltp'
        frame_size = stream.codec_context.frame_size or 1024
        for start in range(0, samples.shape[1], frame_size):
            af = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(samples[:, start:start + frame_size]),
                format=fmt,
                layout='mono')
            af.sample_rate = int(sample_rate)
            af.pts = start
            af.time_base = Fraction(1, int(sample_rate))
            for packet in stream.encode(af):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    container.close()
    return path


def benchmark_frames_video(path: str,
                           frames: Sequence[np.ndarray],
                           audio: np.ndarray,
                           sample_rate: int,
                           fps: int = 4,
                           lossless: bool = True) -> str:
    """A video whose *last* frame of second ``s`` is ``frames[s]``.

    The other ``fps - 1`` frames of each second are decoys (the frame
    upside down with inverted colours), so that a sampler that does not
    pick the last frame of each second feeds the model other pictures.

    Args:
        path (str): Output file.
        frames (Sequence[np.ndarray]): One RGB frame per second.
        audio (np.ndarray): The waveform ``[L]`` (``len(frames)`` seconds).
        sample_rate (int): Its rate.
        fps (int): Frames per second (>= 2). Defaults to 4.
        lossless (bool): See :func:`write_test_video`.

    Returns:
        str: ``path``.
    """
    video = []
    for frame in frames:
        decoy = 255 - frame[::-1]
        video += [decoy] * (fps - 1) + [frame]
    return write_test_video(path, video, fps, audio, sample_rate, lossless)
