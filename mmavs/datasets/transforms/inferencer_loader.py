# Copyright (c) mmavs contributors. All rights reserved.
"""The frame loader of the inference pipeline: files or decoded arrays."""
from typing import List, Optional

import numpy as np
from mmcv.transforms import BaseTransform

from mmavs.registry import TRANSFORMS
from .loading import LoadAVFrames, _store_clip_frames


@TRANSFORMS.register_module()
class AVInferencerLoader(BaseTransform):
    """Load the frames of an inference clip from files or from arrays.

    :class:`~mmavs.apis.AVSInferencer` puts it in place of the test
    pipeline's :class:`LoadAVFrames` (as mmseg's ``InferencerLoader``
    replaces ``LoadImageFromFile``):

    - with ``frame_paths`` in the results (a frame folder), it is
      :class:`LoadAVFrames` with the test pipeline's arguments: the frames
      are decoded exactly as ``tools/test.py`` decodes them;
    - with ``frames`` (arrays decoded from a video, or given by the
      caller), each entry is an RGB uint8 ``(H, W, 3)`` array, or None for
      a padding frame (``valid=False``), which becomes zeros.

    Required Keys:

    - frame_paths (list[str | None]) or frames (list[np.ndarray | None])
    - clip_id (str, for messages)

    Added / Modified Keys:

    - frames (list[np.ndarray]): ``T`` RGB uint8 arrays
    - img_shape, ori_shape (tuple[int, int])

    Args:
        **kwargs: Arguments of :class:`LoadAVFrames` (``imdecode_backend``,
            ``backend_args``).
    """

    def __init__(self, **kwargs) -> None:
        self.from_file = LoadAVFrames(**kwargs)

    def transform(self, results: dict) -> dict:
        """Load the frames.

        Args:
            results (dict): The clip dict.

        Returns:
            dict: ``results`` with ``frames``, ``img_shape``, ``ori_shape``.
        """
        if results.get('frame_paths') is not None:
            return self.from_file(results)
        clip_id = results.get('clip_id', '?')
        frames: List[Optional[np.ndarray]] = results.get('frames')
        if frames is None:
            raise KeyError(f'clip {clip_id}: AVInferencerLoader needs '
                           'frame_paths or frames')
        shape = None
        for idx, frame in enumerate(frames):
            if frame is None:
                continue
            if not isinstance(frame, np.ndarray) or frame.dtype != np.uint8 \
                    or frame.ndim != 3 or frame.shape[2] != 3:
                raise ValueError(
                    f'clip {clip_id}: frame {idx} is '
                    f'{getattr(frame, "dtype", type(frame).__name__)} of '
                    f'shape {getattr(frame, "shape", None)}; expected an RGB '
                    'uint8 array (H, W, 3)')
            if shape is None:
                shape = frame.shape[:2]
            elif frame.shape[:2] != shape:
                raise ValueError(
                    f'clip {clip_id}: frame {idx} has size (H, W)='
                    f'{frame.shape[:2]}, expected {shape} like the first '
                    'frame (all frames of a clip must have one size)')
        if shape is None:
            raise ValueError(f'clip {clip_id}: all {len(frames)} frames are '
                             'padding')
        return _store_clip_frames(results, frames, shape)

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(from_file={self.from_file!r})'
