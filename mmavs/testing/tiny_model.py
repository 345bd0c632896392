# Copyright (c) mmavs contributors. All rights reserved.
"""A tiny audio-visual model and packed clips for tests."""
from typing import List

import numpy as np

TINY_AUDIO_SHAPE = (1, 8, 8)


def tiny_model_cfg(out_channels: int = 1, num_classes: int = 2,
                   audio_blind: bool = False) -> dict:
    """Config of a tiny AVEncoderDecoder.

    One-conv-per-stage visual backbone, linear audio backbone, FiLM fusion
    neck and mmseg's FCNHead (binary with ``out_channels=1``).
    """
    binary = out_channels == 1
    return dict(
        type='AVEncoderDecoder',
        data_preprocessor=dict(
            type='AVDataPreprocessor',
            mean=[123.675, 116.28, 103.53],
            std=[58.395, 57.12, 57.375],
            size_divisor=8,
            pad_val=0,
            seg_pad_val=255),
        backbone=dict(type='SimpleConvNet', channels=(8, 16)),
        audio_backbone=dict(
            type='AudioMLP',
            in_features=int(np.prod(TINY_AUDIO_SHAPE)),
            out_features=16),
        neck=dict(type='AudioFiLMNeck', in_channels=(8, 16),
                  audio_channels=16),
        decode_head=dict(
            type='FCNHead',
            in_channels=(8, 16),
            in_index=(0, 1),
            input_transform='resize_concat',
            channels=16,
            num_convs=1,
            concat_input=False,
            dropout_ratio=0.0,
            num_classes=num_classes,
            out_channels=out_channels,
            threshold=0.5 if binary else None,
            norm_cfg=dict(type='BN'),
            align_corners=False,
            loss_decode=dict(
                type='CrossEntropyLoss',
                use_sigmoid=binary,
                avg_non_ignore=True,
                loss_weight=1.0)),
        audio_blind=audio_blind,
        train_cfg=dict(),
        test_cfg=dict(mode='whole'))


def packed_clip(num_frames: int = 3,
                size: int = 32,
                num_classes: int = 2,
                labelled: List[bool] = None,
                valid: List[bool] = None,
                seed: int = 0,
                clip_id: str = 'clip') -> dict:
    """Results of the loading pipeline for one random clip (pre-packing)."""
    rng = np.random.default_rng(seed)
    frames = [
        rng.integers(0, 256, (size, size, 3), dtype=np.uint8)
        for _ in range(num_frames)
    ]
    masks = [
        rng.integers(0, num_classes, (size, size), dtype=np.uint8)
        for _ in range(num_frames)
    ]
    return dict(
        clip_id=clip_id,
        category='toy',
        num_frames=num_frames,
        audio_condition='positive',
        frames=frames,
        gt_masks=masks,
        audio=rng.standard_normal((num_frames, *TINY_AUDIO_SHAPE)).astype(
            np.float32),
        valid=valid or [True] * num_frames,
        labelled=labelled or [True] * num_frames,
        frame_paths=[f'{clip_id}/{t}.png' for t in range(num_frames)],
        mask_paths=[f'{clip_id}/{t}_mask.png' for t in range(num_frames)],
        img_shape=(size, size),
        ori_shape=(size, size))
