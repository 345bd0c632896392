# Copyright (c) mmavs contributors. All rights reserved.
"""Write a video with the inferencer's masks drawn over every frame."""
from typing import Optional, Sequence

import numpy as np

from ..datasets.video_io import VideoWriter, iter_video_frames, probe_video
from .av_sources import AVSource

__all__ = ['write_overlay_video']


def _mask_for_times(times: np.ndarray, covers: np.ndarray) -> np.ndarray:
    """Index of the prediction covering each time, -1 where none does."""
    idx = np.searchsorted(covers[:, 0], times, side='right') - 1
    ok = (idx >= 0) & (times < covers[np.maximum(idx, 0), 1])
    return np.where(ok, idx, -1)


def write_overlay_video(source: str,
                        prediction: dict,
                        out_file: str,
                        palette: Sequence[Sequence[int]],
                        opacity: float = 0.5,
                        frames: Optional[AVSource] = None) -> int:
    """Draw the predicted masks over every frame and write an MP4.

    Every frame gets the mask of the prediction that covers its time
    (``prediction['covers']``: in the benchmark mode the mask of its
    second, in the dense mode the mask of the last sampled frame at or
    before it); frames no prediction covers (the incomplete last second,
    frames before the first dense sample) are written unchanged.

    Args:
        source (str): The input video (its audio is copied unchanged), or
            None with ``frames`` (an :class:`AVSource` of frames + audio,
            whose audio is encoded to AAC).
        prediction (dict): One input's result of
            :class:`~mmavs.apis.AVSInferencer`.
        out_file (str): The ``.mp4`` to write.
        palette (Sequence): Class colours (the dataset palette; binary
            masks are drawn with :func:`display_palette`).
        opacity (float): Weight of the class colours. Defaults to 0.5.
        frames (AVSource, optional): See ``source``.

    Returns:
        int: Number of frames written.
    """
    import mmcv

    from mmavs.visualization import display_palette, overlay_mask
    palette = display_palette(palette)
    masks = prediction['masks']
    covers = np.asarray(prediction['covers'], dtype=np.float64)
    if source is not None:
        info = probe_video(source)
        timeline = info.timeline
        height, width = info.height, info.width
        writer = VideoWriter(
            out_file,
            width,
            height,
            timeline.time_base,
            info.fps,
            audio_from=source)
        offset = info.start_pts
        items = iter_video_frames(info, range(len(timeline)))
    else:
        timeline = frames.timeline
        first = next(frames.iter_frames([0]))[1]
        if isinstance(first, str):
            first = mmcv.imread(first, channel_order='rgb')
        height, width = first.shape[:2]
        writer = VideoWriter(
            out_file,
            width,
            height,
            timeline.time_base,
            frames.fps,
            audio_rate=frames.sample_rate,
            audio_channels=min(2, frames.audio.shape[0]))
        writer.write_audio(frames.audio[:2], frames.sample_rate)
        offset = 0
        items = frames.iter_frames(range(len(timeline)))
    which = _mask_for_times(timeline.times, covers)
    with writer:
        for index, frame in items:
            if isinstance(frame, str):
                frame = mmcv.imread(frame, channel_order='rgb')
            k = which[index]
            if k >= 0:
                frame = overlay_mask(frame, masks[k], palette, opacity)
            writer.write_frame(frame, int(timeline.ticks[index]) + offset)
    return writer.num_frames

