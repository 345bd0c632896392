# Copyright (c) mmavs contributors. All rights reserved.
from typing import Any, Dict

import torch
from mmseg.models.data_preprocessor import SegDataPreProcessor

from mmavs.registry import MODELS


@MODELS.register_module()
class AVDataPreprocessor(SegDataPreProcessor):
    """Normalize, pad and flatten a batch of clips.

    Takes what :func:`mmavs.datasets.av_collate` yields (B clips of T frames)
    and returns::

        dict(inputs=dict(frames=Tensor[B*T, 3, H, W],   # normalized, padded
                         audio=Tensor[B, T, ...],
                         num_frames=T),
             data_samples=[SegDataSample] * (B*T))       # clip-major

    Frame normalization, padding of frames and ``gt_sem_seg`` and the
    padding metainfo are mmseg's :class:`SegDataPreProcessor` applied to the
    flattened frames. Padding frames (metainfo ``valid=False``, e.g. the
    frames that fill AVSS v1 clips up to 10) are zeros *after*
    normalization, as the official AVSBench-Semantic loader pads them. Frames are RGB (mmavs loads RGB), so ``mean``/``std``
    are given in RGB order and no channel conversion is needed by default.

    Args:
        **kwargs: Arguments of :class:`SegDataPreProcessor` (``mean``,
            ``std``, ``size``, ``size_divisor``, ``pad_val``,
            ``seg_pad_val``, ``test_cfg``...).
    """

    def forward(self, data: dict, training: bool = False) -> Dict[str, Any]:
        """Preprocess a collated batch.

        Args:
            data (dict): ``inputs=dict(frames=[B x Tensor[T,3,H,W]], audio=
                [B x Tensor[T,...]])`` and ``data_samples`` (B*T or None).
            training (bool): Whether the model is training.

        Returns:
            dict: The model inputs described in the class docstring.
        """
        inputs = data['inputs']
        if not isinstance(inputs, dict) or 'frames' not in inputs or \
                'audio' not in inputs:
            raise KeyError('AVDataPreprocessor expects inputs=dict(frames=..., '
                           'audio=...) as produced by PackAVSInputs and '
                           "collate_fn=dict(type='mmavs.av_collate'), got "
                           f'{type(inputs).__name__}')
        clips = list(inputs['frames'])
        lengths = {clip.shape[0] for clip in clips}
        if len(lengths) != 1:
            raise ValueError('all clips of a batch must have the same number '
                             f'of frames, got {sorted(lengths)}')
        num_frames = lengths.pop()
        audio = list(inputs['audio'])
        audio_shapes = {tuple(a.shape) for a in audio}
        if len(audio_shapes) != 1:
            raise ValueError('all clips of a batch must have audio of the same '
                             f'shape, got {sorted(audio_shapes)}')
        data_samples = data.get('data_samples')
        if data_samples is not None and \
                len(data_samples) != len(clips) * num_frames:
            raise ValueError(f'{len(data_samples)} data samples for '
                             f'{len(clips)} clips of {num_frames} frames')

        frames = [frame for clip in clips for frame in clip]
        out = super().forward(
            dict(inputs=frames, data_samples=data_samples), training)
        if out['data_samples'] is not None:
            invalid = torch.tensor(
                [not s.metainfo.get('valid', True)
                 for s in out['data_samples']],
                device=out['inputs'].device)
            if invalid.any():
                out['inputs'][invalid] = 0
        audio = self.cast_data(torch.stack(audio)).float()
        return dict(
            inputs=dict(
                frames=out['inputs'], audio=audio, num_frames=num_frames),
            data_samples=out['data_samples'])
