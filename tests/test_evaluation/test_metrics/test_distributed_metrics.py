# Copyright (c) mmavs contributors. All rights reserved.
"""Metrics collected over two gloo processes equal single-process results."""
import torch

from mmavs.testing.distributed_metric import (evaluate_metrics_distributed,
                                              sampler_indices)

T, H, W, C = 3, 6, 7, 4
CONDITIONS = ('positive', 'silence', 'noise', 'offscreen')


def binary_clips(num_clips, seed=0):
    g = torch.Generator().manual_seed(seed)
    clips = []
    for c in range(num_clips):
        clip = []
        for t in range(T):
            gt = (torch.rand(1, H, W, generator=g) > 0.6).long()
            if (c + t) % 4 == 0:
                gt[:] = 0
            clip.append(
                dict(
                    seg_logits=dict(
                        data=torch.randn(1, H, W, generator=g) * 3),
                    gt_sem_seg=dict(data=gt),
                    clip_id=f'c{c}',
                    frame_idx=t,
                    num_frames=T,
                    valid=not (c == 2 and t == 2),
                    labelled=True,
                    category=('dog', 'cat')[c % 2],
                    audio_condition=CONDITIONS[c % 4],
                    img_path=f'c{c}/{t}.png'))
        clips.append(clip)
    return clips


def semantic_clips(num_clips, seed=1):
    g = torch.Generator().manual_seed(seed)
    return [[
        dict(
            seg_logits=dict(data=torch.randn(C, H, W, generator=g)),
            gt_sem_seg=dict(data=torch.randint(0, C, (1, H, W), generator=g)),
            clip_id=f's{c}',
            frame_idx=t,
            num_frames=T,
            valid=t < 2 or c % 2 == 0,
            img_path=f's{c}/{t}.png') for t in range(T)
    ] for c in range(num_clips)]


def test_sampler_indices_pad_like_default_sampler():
    assert sampler_indices(5, 0, 2) == [0, 2, 4]
    assert sampler_indices(5, 1, 2) == [1, 3, 0]


def test_two_processes_equal_one():
    num_clips = 7  # uneven over 2 ranks: one padded duplicate
    binary = binary_clips(num_clips)
    semantic = semantic_clips(num_clips)
    jobs = [(dict(type='AVSMetric', mode=mode), binary)
            for mode in ('frame', 'avsbench', 'dataset')]
    jobs += [(dict(type='RobustAVSMetric', mode=mode), binary)
             for mode in ('frame', 'avsbench')]
    jobs += [(dict(type='AVSSMetric', num_classes=C), semantic),
             (dict(type='AVSSMetric', num_classes=C,
                   legacy_padding=True), semantic)]
    single = evaluate_metrics_distributed(jobs, batch_size=2, world_size=1)
    double = evaluate_metrics_distributed(jobs, batch_size=2, world_size=2)
    assert single == double  # exactly, key by key
    # the duplicate clip that pads rank 1 was dropped: a metric that saw
    # it would differ from the single-process value
    seen_twice = evaluate_metrics_distributed(
        [(jobs[0][0], binary + binary[:1])], batch_size=2, world_size=1)
    assert seen_twice[0] != single[0]
