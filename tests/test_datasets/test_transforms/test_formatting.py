# Copyright (c) mmavs contributors. All rights reserved.
import numpy as np
import pytest
import torch

from mmavs.datasets.collate import av_collate
from mmavs.datasets.transforms.formatting import PackAVSInputs
from mmavs.testing import packed_clip


def test_pack_builds_the_data_contract():
    results = packed_clip(num_frames=4, size=16, labelled=[True, False] * 2,
                          valid=[True, True, True, False])
    packed = PackAVSInputs()(results)
    frames = packed['inputs']['frames']
    assert frames.dtype == torch.uint8 and frames.shape == (4, 3, 16, 16)
    # channel-first copy of the RGB frames
    assert torch.equal(frames[2].permute(1, 2, 0),
                       torch.from_numpy(results['frames'][2]))
    assert packed['inputs']['audio'].shape == (4, 1, 8, 8)
    samples = packed['data_samples']
    assert len(samples) == 4
    assert [s.labelled for s in samples] == [True, False, True, False]
    assert [s.valid for s in samples] == [True, True, True, False]
    assert [s.frame_idx for s in samples] == [0, 1, 2, 3]
    assert samples[1].img_path == 'clip/1.png'
    assert samples[3].audio_condition == 'positive'
    assert samples[0].num_frames == 4
    assert torch.equal(samples[1].gt_sem_seg.data[0],
                       torch.from_numpy(results['gt_masks'][1]).long())


def test_pack_without_masks_for_inference():
    results = packed_clip(num_frames=2)
    del results['gt_masks']
    samples = PackAVSInputs()(results)['data_samples']
    assert 'gt_sem_seg' not in samples[0]


@pytest.mark.parametrize('breaker, message', [
    (lambda r: r.update(audio=r['audio'][:2]), 'one per frame'),
    (lambda r: r['frames'].__setitem__(1, np.zeros((8, 8, 3), np.uint8)),
     'share one'),
    (lambda r: r.update(num_frames=7), 'num_frames is 7'),
    (lambda r: r.update(gt_masks=r['gt_masks'][:1]), '1 masks for 3'),
])
def test_pack_rejects_inconsistent_clips(breaker, message):
    results = packed_clip(num_frames=3, clip_id='bad_clip')
    breaker(results)
    with pytest.raises(ValueError, match=message) as err:
        PackAVSInputs()(results)
    assert 'bad_clip' in str(err.value)


def test_collate_keeps_clip_order_and_flattens_frames():
    pack = PackAVSInputs()
    batch = av_collate([
        pack(packed_clip(num_frames=2, clip_id=f'c{i}', seed=i))
        for i in range(3)
    ])
    assert len(batch['inputs']['frames']) == 3
    assert len(batch['inputs']['audio']) == 3
    assert [(s.clip_id, s.frame_idx) for s in batch['data_samples']] == [
        ('c0', 0), ('c0', 1), ('c1', 0), ('c1', 1), ('c2', 0), ('c2', 1)
    ]
