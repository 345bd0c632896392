# Copyright (c) mmavs contributors. All rights reserved.
from typing import Sequence

import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from mmavs.registry import TRANSFORMS

# Clip-level keys copied into the metainfo of every frame's data sample.
CLIP_META_KEYS = ('clip_id', 'category', 'num_frames', 'audio_condition',
                  'negative_pair', 'ori_shape', 'img_shape', 'pad_shape',
                  'scale_factor', 'flip', 'flip_direction', 'case',
                  'dataset_name')


@TRANSFORMS.register_module()
class PackAVSInputs(BaseTransform):
    """Pack one clip into the mmavs data contract
    (``docs/en/advanced_guides/design.md``, "The data contract").

    The result is ``dict(inputs=dict(frames=uint8 Tensor[T, 3, H, W],
    audio=Tensor[T, ...]), data_samples=[SegDataSample] * T)``: one data
    sample per frame whose metainfo holds the clip-level keys plus
    ``frame_idx``, ``valid``, ``labelled``, ``img_path`` and
    ``seg_map_path``.

    Required Keys:

    - frames (list[np.ndarray]): T RGB frames of shape (H, W, 3), uint8.
    - audio (np.ndarray | Tensor): Per-frame audio, first dimension T.

    Optional Keys:

    - gt_masks (list[np.ndarray]): T label maps (H, W); 255 = ignore.
    - valid, labelled (list[bool]): Per-frame flags (default all True).
    - frame_paths, mask_paths (list[str | None]): Per-frame file names.
    - Clip-level meta keys (``meta_keys``), e.g. clip_id, category,
      audio_condition, ori_shape, img_shape, flip.

    Added Keys:

    - inputs (dict): ``frames`` and ``audio`` tensors.
    - data_samples (list[SegDataSample]): One per frame.

    Args:
        meta_keys (Sequence[str]): Clip-level keys copied into each frame's
            metainfo when present in the results.
    """

    def __init__(self, meta_keys: Sequence[str] = CLIP_META_KEYS) -> None:
        self.meta_keys = tuple(meta_keys)

    def transform(self, results: dict) -> dict:
        """Pack a clip.

        Args:
            results (dict): Result dict of the loading/augmentation pipeline.

        Returns:
            dict: ``inputs`` and ``data_samples``.
        """
        clip = results.get('clip_id', '<unknown clip>')
        frames = results['frames']
        num_frames = len(frames)
        if num_frames == 0:
            raise ValueError(f'clip {clip}: no frames to pack')
        shapes = {f.shape for f in frames}
        if len(shapes) != 1 or len(next(iter(shapes))) != 3 or \
                next(iter(shapes))[2] != 3:
            raise ValueError(f'clip {clip}: frames must share one (H, W, 3) '
                             f'shape, got {sorted(shapes)}')
        if results.get('num_frames', num_frames) != num_frames:
            raise ValueError(f'clip {clip}: num_frames is '
                             f'{results["num_frames"]} but {num_frames} '
                             'frames were loaded')
        frames_t = torch.from_numpy(
            np.ascontiguousarray(np.stack(frames).transpose(0, 3, 1, 2)))
        audio = torch.as_tensor(np.asarray(results['audio']))
        if audio.shape[0] != num_frames:
            raise ValueError(f'clip {clip}: audio has {audio.shape[0]} '
                             f'entries along its first axis, expected one '
                             f'per frame ({num_frames})')

        masks = results.get('gt_masks')
        if masks is not None and len(masks) != num_frames:
            raise ValueError(f'clip {clip}: {len(masks)} masks for '
                             f'{num_frames} frames')
        per_frame = {
            'valid': results.get('valid', [True] * num_frames),
            'labelled': results.get('labelled', [True] * num_frames),
            'img_path': results.get('frame_paths', [None] * num_frames),
            'seg_map_path': results.get('mask_paths', [None] * num_frames),
        }
        clip_meta = {
            k: results[k]
            for k in self.meta_keys if k in results
        }
        clip_meta['num_frames'] = num_frames
        data_samples = []
        for t in range(num_frames):
            sample = SegDataSample()
            if masks is not None:
                mask = torch.from_numpy(np.asarray(masks[t], dtype=np.int64))
                sample.gt_sem_seg = PixelData(data=mask[None])
            meta = dict(clip_meta, frame_idx=t)
            for key, values in per_frame.items():
                meta[key] = values[t]
            sample.set_metainfo(meta)
            data_samples.append(sample)
        return dict(
            inputs=dict(frames=frames_t, audio=audio),
            data_samples=data_samples)

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(meta_keys={self.meta_keys})'
