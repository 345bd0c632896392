# Copyright (c) mmavs contributors. All rights reserved.
"""clip_frame_stats: per-frame statistics split back into clips."""
import torch

from mmavs.evaluation.functional.frame_records import clip_frame_stats


def _frame(clip, t, size, scored=True):
    # the logits hold a code of the frame, so its statistics name it
    return dict(
        clip_id=clip,
        frame_idx=t,
        scored=scored,
        seg_logits=torch.full((1, ) + size, float(10 * int(clip[1:]) + t)))


def _read(sample):
    if not sample['scored']:
        return None
    logits = sample['seg_logits']
    return logits, torch.zeros(logits.shape[-2:], dtype=torch.long)


def _stats(logits, labels, samples):
    assert len({tuple(x.shape) for x in logits}) == 1  # one size per call
    assert labels.shape[0] == logits.shape[0] == len(samples)
    return dict(
        code=logits[:, 0, 0, 0].long(),
        pixels=torch.tensor([s['seg_logits'].numel() for s in samples]))


def _empty():
    return dict(code=torch.zeros(0, dtype=torch.long), pixels=None)


def test_statistics_come_back_per_clip_in_frame_order():
    clips = [
        [
            _frame('c1', 0, (2, 2)),
            _frame('c1', 1, (3, 1)),
            _frame('c1', 2, (2, 2))
        ],
        [_frame('c2', 0, (2, 2), scored=False)],
        [
            _frame('c3', 0, (3, 1)),
            _frame('c3', 1, (2, 2), scored=False),
            _frame('c3', 2, (2, 2))
        ],
    ]
    calls = []

    def stats(logits, labels, samples):
        calls.append(len(samples))
        return _stats(logits, labels, samples)

    out = clip_frame_stats(clips, _read, stats, _empty)
    assert sorted(calls) == [2, 3]  # one call per frame size
    assert [o['code'].tolist() for o in out] == [[10, 11, 12], [], [30, 32]]
    assert [o['pixels'].tolist() for o in out] == [[4, 3, 4], [], [3, 4]]
    assert out[1]['code'].dtype == torch.long


def test_no_scored_frame_gives_every_clip_the_empty_statistics():
    clips = [[_frame('c1', 0, (2, 2), scored=False)],
             [_frame('c2', 0, (2, 2), scored=False)]]
    out = clip_frame_stats(clips, _read, _stats, _empty)
    assert len(out) == 2
    for o in out:
        assert o['code'].shape == (0, ) and o['pixels'] is None
