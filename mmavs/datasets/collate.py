# Copyright (c) mmavs contributors. All rights reserved.
from typing import List, Sequence

from mmavs.registry import FUNCTIONS


@FUNCTIONS.register_module()
def av_collate(data_batch: Sequence[dict]) -> dict:
    """Collate clips packed by :class:`PackAVSInputs`.

    mmengine's ``pseudo_collate`` would transpose the per-frame data-sample
    lists (``[T][B]``); this keeps clips in order and flattens frames.

    Args:
        data_batch (Sequence[dict]): B packed clips.

    Returns:
        dict: ``inputs=dict(frames=[B x Tensor[T,3,H,W]], audio=[B x
        Tensor[T,...]])`` and ``data_samples`` as a flat list of B*T frame
        samples, clip-major.
    """
    frames: List = []
    audio: List = []
    data_samples: List = []
    for clip in data_batch:
        frames.append(clip['inputs']['frames'])
        audio.append(clip['inputs']['audio'])
        data_samples.extend(clip['data_samples'])
    return dict(
        inputs=dict(frames=frames, audio=audio), data_samples=data_samples)
