# Copyright (c) mmavs contributors. All rights reserved.
"""Synthetic model inputs (after the data preprocessor) for tests/benchmarks.
"""
from typing import Optional, Sequence, Tuple

import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample


def audio_input_shape(audio_backbone: dict) -> Tuple[int, ...]:
    """Per-frame audio shape expected by an audio backbone config.

    Args:
        audio_backbone (dict): Audio backbone config.

    Returns:
        tuple[int]: e.g. (1, 96, 64) for VGGish, (48000,) for HTSAT.
    """
    kind = audio_backbone['type']
    if kind == 'VGGish':
        return (1, 96, 64)
    if kind == 'HTSAT':
        return (48000, )
    if kind == 'PrecomputedAudio':
        return (audio_backbone['in_channels'], )
    if kind == 'AudioMLP':
        return (audio_backbone['in_features'], )
    raise ValueError(f'audio_input_shape: unknown audio backbone type '
                     f'{kind!r}; pass audio_shape explicitly')


def synthetic_av_batch(num_clips: int = 1,
                       num_frames: int = 5,
                       size: int = 64,
                       audio_shape: Sequence[int] = (1, 96, 64),
                       num_classes: int = 2,
                       labelled: Optional[Sequence[bool]] = None,
                       valid: Optional[Sequence[bool]] = None,
                       seed: int = 0) -> dict:
    """Random preprocessed inputs: ``model(**batch, mode='loss')`` works.

    Args:
        num_clips (int): Clips B.
        num_frames (int): Frames per clip T.
        size (int): Frame height and width.
        audio_shape (Sequence[int]): Per-frame audio shape.
        num_classes (int): Labels are drawn from ``range(num_classes)``.
        labelled (Sequence[bool], optional): Per-frame ``labelled`` flags.
        valid (Sequence[bool], optional): Per-frame ``valid`` flags.
        seed (int): Random seed.

    Returns:
        dict: ``inputs=dict(frames=[B*T, 3, size, size], audio=[B, T,
        *audio_shape], num_frames=T)`` and ``data_samples`` (B*T frames).
    """
    gen = torch.Generator().manual_seed(seed)
    n = num_clips * num_frames
    frames = torch.randn(n, 3, size, size, generator=gen)
    audio = torch.randn(num_clips, num_frames, *audio_shape, generator=gen)
    labels = torch.randint(0, num_classes, (n, 1, size, size), generator=gen)
    labelled = list(labelled) if labelled is not None else [True] * num_frames
    valid = list(valid) if valid is not None else [True] * num_frames
    samples = []
    for i in range(n):
        t = i % num_frames
        sample = SegDataSample(
            metainfo=dict(
                img_shape=(size, size),
                ori_shape=(size, size),
                pad_shape=(size, size),
                padding_size=[0, 0, 0, 0],
                num_frames=num_frames,
                frame_idx=t,
                labelled=labelled[t],
                valid=valid[t],
                clip_id=f'clip{i // num_frames}'))
        sample.gt_sem_seg = PixelData(data=labels[i])
        samples.append(sample)
    return dict(
        inputs=dict(frames=frames, audio=audio, num_frames=num_frames),
        data_samples=samples)
