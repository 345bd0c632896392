# Copyright (c) mmavs contributors. All rights reserved.
"""Small video files with an audio track, built by the tests themselves."""
from typing import Optional, Sequence

import numpy as np

from mmavs.datasets.video_io import write_video


def write_test_video(path: str,
                     frames: Sequence[np.ndarray],
                     fps: int,
                     audio: Optional[np.ndarray] = None,
                     sample_rate: Optional[int] = None,
                     lossless: bool = True) -> str:
    """Encode RGB frames and a waveform into a video file
    (:func:`~mmavs.datasets.video_io.write_video`).

    ``lossless=True``: H.264 RGB with ``crf=0`` (``libx264rgb``, decoded
    back bit-exact) and 16-bit PCM audio (decoded back as the int16 samples
    a 16-bit wav of the same waveform holds). ``lossless=False``: H.264
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
    codecs = (
        dict(crf=0, video_codec='libx264rgb', pix_fmt='rgb24',
             audio_codec='pcm_s16le') if lossless else dict(crf=23))
    return write_video(
        path, frames, fps, audio=audio, sample_rate=sample_rate, **codecs)


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
