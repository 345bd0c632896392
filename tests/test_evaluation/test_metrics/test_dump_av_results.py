# Copyright (c) mmavs contributors. All rights reserved.
"""DumpAVSResults keeps one result per clip, frames in order."""
import pytest
import torch

from mmavs.evaluation.metrics.dump_av_results import (DumpAVSResults,
                                                     load_av_results)


def _frame(clip_id, t, num_frames, condition='positive'):
    return dict(
        clip_id=clip_id,
        frame_idx=t,
        num_frames=num_frames,
        audio_condition=condition,
        pred_sem_seg=dict(data=torch.full((1, 2, 2), t)))


def test_groups_frames_into_clips_and_dumps(tmp_path):
    out = tmp_path / 'results.pkl'
    metric = DumpAVSResults(out_file_path=str(out))
    # two batches: a 3-frame clip and a 2-frame clip, then one 3-frame clip
    metric.process(None, [_frame('a', t, 3) for t in range(3)] +
                   [_frame('b', t, 2, 'silence') for t in range(2)])
    metric.process(None, [_frame('c', t, 3) for t in range(3)])
    assert [r['clip_id'] for r in metric.results] == ['a', 'b', 'c']
    assert [r['audio_condition'] for r in metric.results] == [
        'positive', 'silence', 'positive'
    ]
    assert [[f['frame_idx'] for f in r['frames']]
            for r in metric.results] == [[0, 1, 2], [0, 1], [0, 1, 2]]
    # each clip knows how many clips its evaluation batch held
    assert [r['batch_clips'] for r in metric.results] == [2, 2, 1]
    assert metric.compute_metrics(metric.results) == {}
    dumped = load_av_results(str(out))
    assert [r['clip_id'] for r in dumped] == ['a', 'b', 'c']
    assert torch.equal(dumped[1]['frames'][1]['pred_sem_seg']['data'],
                       torch.full((1, 2, 2), 1))


def test_a_clip_cut_by_the_batch_is_refused(tmp_path):
    metric = DumpAVSResults(out_file_path=str(tmp_path / 'r.pkl'))
    frames = [_frame('x', t, 3) for t in range(2)]
    with pytest.raises(ValueError, match='num_frames=3 but only 2'):
        metric.process(None, frames)
