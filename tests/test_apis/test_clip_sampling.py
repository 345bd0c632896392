# Copyright (c) mmavs contributors. All rights reserved.
"""Frame sampling and clip planning against hand-written expectations."""
from fractions import Fraction as Fr

import numpy as np
import pytest

from mmavs.apis import (FrameTimeline, ShortVideoError, plan_clips,
                        sample_frames)
from mmavs.apis.clip_sampling import seconds_to_sample


def test_benchmark_takes_the_last_frame_of_every_second():
    tl = FrameTimeline.constant_rate(20, 4)  # 5 s at 4 fps
    s = sample_frames(tl, 'benchmark')
    assert s.indices.tolist() == [3, 7, 11, 15, 19]
    assert s.windows == [(Fr(k), Fr(k + 1)) for k in range(5)]
    assert s.covers == s.windows
    assert s.unused_tail == 0


def test_benchmark_ntsc_rate_and_incomplete_last_second():
    # 29.97 fps, 150 frames: 5.005 s; frame i at i * 1001 / 30000 s
    tl = FrameTimeline(np.arange(150) * 1001, 150 * 1001, Fr(1, 30000))
    s = sample_frames(tl, 'benchmark')
    assert s.indices.tolist() == [29, 59, 89, 119, 149]
    assert s.unused_tail == Fr(150 * 1001, 30000) - 5
    # 152 frames: still 5 complete seconds, 0.072 s unused
    tl = FrameTimeline(np.arange(152) * 1001, 152 * 1001, Fr(1, 30000))
    s = sample_frames(tl, 'benchmark')
    assert s.indices.tolist() == [29, 59, 89, 119, 149]
    assert s.unused_tail == Fr(152 * 1001, 30000) - 5


def test_benchmark_frame_on_a_second_boundary_belongs_to_the_next_second():
    tl = FrameTimeline.constant_rate(8, 4)  # frame 4 starts at exactly 1 s
    assert sample_frames(tl, 'benchmark').indices.tolist() == [3, 7]


def test_benchmark_holds_the_last_frame_across_a_gap():
    # variable frame rate: frames at 0, 0.25, 0.5 and 2.5 s, video ends
    # at 2.75 s: seconds 0 and 1 both end with the frame shown at 0.5 s
    tl = FrameTimeline([0, 1, 2, 10], 11, Fr(1, 4))
    s = sample_frames(tl, 'benchmark')
    assert s.indices.tolist() == [2, 2]
    assert s.unused_tail == Fr(3, 4)


def test_benchmark_of_a_video_shorter_than_a_second_is_empty():
    tl = FrameTimeline.constant_rate(3, 4)
    assert len(sample_frames(tl, 'benchmark')) == 0


def test_dense_windows_end_with_the_frames():
    tl = FrameTimeline.constant_rate(12, 4)  # 3 s
    s = sample_frames(tl, 'dense', step=2)
    # the first frame whose display ends at >= 1 s is frame 3 (0.75-1.0 s)
    assert s.indices.tolist() == [3, 5, 7, 9, 11]
    assert s.windows == [(Fr(0), Fr(1)), (Fr(1, 2), Fr(3, 2)), (Fr(1), Fr(2)),
                         (Fr(3, 2), Fr(5, 2)), (Fr(2), Fr(3))]
    assert s.covers == [(Fr(3, 4), Fr(5, 4)), (Fr(5, 4), Fr(7, 4)),
                        (Fr(7, 4), Fr(9, 4)), (Fr(9, 4), Fr(11, 4)),
                        (Fr(11, 4), Fr(3))]
    half = sample_frames(tl, 'dense', step=1, window_seconds=0.5)
    assert half.indices.tolist()[:2] == [1, 2]
    assert half.windows[0] == (Fr(0), Fr(1, 2))


def test_dense_last_frame_of_each_second_gets_the_benchmark_second():
    tl = FrameTimeline.constant_rate(20, 4)
    s = sample_frames(tl, 'dense', step=4)
    bench = sample_frames(tl, 'benchmark')
    assert s.indices.tolist() == bench.indices.tolist()
    assert s.windows == bench.windows


def test_bad_sampling_arguments():
    tl = FrameTimeline.constant_rate(8, 4)
    with pytest.raises(ValueError, match='mode'):
        sample_frames(tl, 'every')
    with pytest.raises(ValueError, match='step'):
        sample_frames(tl, 'dense', step=0)
    with pytest.raises(ValueError, match='increase'):
        FrameTimeline([0, 2, 1], 3, Fr(1, 4))


def test_plan_clips_covers_every_frame_once_with_an_overlapping_last_clip():
    clips = plan_clips(12, 5)
    assert [c.positions for c in clips] == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9],
                                            [7, 8, 9, 10, 11]]
    assert clips[2].keep == [False, False, False, True, True]
    kept = [p for c in clips for p, k in zip(c.positions, c.keep) if k]
    assert kept == list(range(12))
    assert [c.positions for c in plan_clips(10, 5)] == [[0, 1, 2, 3, 4],
                                                        [5, 6, 7, 8, 9]]


def test_plan_clips_short_input_is_refused_or_padded_when_asked():
    with pytest.raises(ShortVideoError, match=r'my\.mp4.*3 sampled.*5 frames'):
        plan_clips(3, 5, source='my.mp4')
    clip, = plan_clips(3, 5, pad_short=True)
    assert clip.positions == [0, 1, 2, -1, -1]
    assert clip.valid == [True, True, True, False, False]
    assert clip.keep == [True, True, True, False, False]
    with pytest.raises(ShortVideoError, match='no frame'):
        plan_clips(0, 5, pad_short=True)


def test_seconds_to_sample_is_exact():
    assert seconds_to_sample(Fr(1), 16000) == 16000
    assert seconds_to_sample(Fr(1001, 30000), 48000) == 1602  # 1601.6
    assert seconds_to_sample(Fr(1, 32000), 16000) == 1  # 0.5 rounds up
