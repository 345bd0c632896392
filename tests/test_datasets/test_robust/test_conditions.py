# Copyright (c) mmavs contributors. All rights reserved.
"""The condition presets and epoch layouts of AVSBench-Robust."""
import numpy as np
import pytest

from mmavs.datasets.metainfo import (MS3_AVOID_GROUPS, MS3_OBJECT_GROUPS,
                                     S4_AVOID_GROUPS, S4_CATEGORY_GROUPS,
                                     SYNTHAVS_CATEGORY_GROUPS)
from mmavs.datasets.robust.conditions import (PAPER_UNSEEN_FILES,
                                              eval_layout, parse_conditions,
                                              parse_noise_cfg, resolve_groups,
                                              train_layout)


def test_eval_layout_is_block_ordered():
    clips, conds = eval_layout(3, 2)
    assert clips.tolist() == [0, 1, 2, 0, 1, 2]
    assert conds.tolist() == [0, 0, 0, 1, 1, 1]


@pytest.mark.parametrize('length', ['append', 'keep', 'official'])
def test_train_layouts_count_and_spread_the_negatives(length):
    # r = 0.4 tells N r / (1 - r) (7, a share r of 17) from N r (4)
    n, r = 10, 0.4
    clips, conds = train_layout(n, r, 2, length, seed=0)
    expected = {
        'append': (17, 7),  # every clip + round(10 * 0.4 / 0.6)
        'keep': (10, 4),  # round(10 * 0.4) clips replaced
        'official': (20, 8),  # 2N samples, int(20 * 0.6) = 12 positive
    }[length]
    assert len(clips) == len(conds) == expected[0]
    neg = conds > 0
    assert neg.sum() == expected[1]
    # negatives spread evenly over the two negative conditions
    counts = np.bincount(conds[neg], minlength=3)[1:]
    assert abs(int(counts[0]) - int(counts[1])) <= 1
    assert clips.min() >= 0 and clips.max() < n
    if length == 'append':
        assert sorted(clips[~neg].tolist()) == list(range(n))
    if length == 'keep':
        # every clip once, a fraction of them under a negative condition
        assert sorted(clips.tolist()) == list(range(n))
    # no clip repeats before every clip was drawn (several seeds: a draw
    # with repetition would repeat one of 7 or 8 of 10 clips mostly)
    for seed in range(5):
        c, k = train_layout(n, r, 2, length, seed=seed)
        negs = c[k > 0].tolist()
        assert len(set(negs)) == min(len(negs), n), (seed, negs)
        if length == 'official':  # 12 positives cover all 10 clips
            assert set(c[k == 0].tolist()) == set(range(n)), seed
    # the layout depends on the seed only
    again = train_layout(n, r, 2, length, seed=0)
    assert np.array_equal(again[0], clips) and np.array_equal(again[1], conds)
    other = train_layout(n, r, 2, length, seed=1)
    assert not (np.array_equal(other[0], clips)
                and np.array_equal(other[1], conds))


def test_train_layout_without_negatives_and_bad_length():
    clips, conds = train_layout(4, 0.0, 1, 'append', seed=0)
    assert clips.tolist() == [0, 1, 2, 3] and not conds.any()
    with pytest.raises(ValueError, match='train_length'):
        train_layout(4, 0.1, 1, 'twice', seed=0)


def test_parse_conditions(tmp_path):
    for name in PAPER_UNSEEN_FILES:
        (tmp_path / name).write_bytes(b'RIFF')
    out = parse_conditions(['positive', 'noise', 'unseen'], 'conditions',
                           str(tmp_path))
    assert list(out) == ['positive', 'noise', 'unseen']
    assert out['positive'] is None and out['noise'] is None
    assert out['unseen'] == tuple(
        str(tmp_path / n) for n in PAPER_UNSEEN_FILES)
    rec = parse_conditions([dict(name='bell', files=[PAPER_UNSEEN_FILES[0]])],
                           'conditions', str(tmp_path))
    assert rec == {'bell': (str(tmp_path / PAPER_UNSEEN_FILES[0]), )}
    with pytest.raises(ValueError, match="unknown conditions entry 'loud'"):
        parse_conditions(['loud'], 'conditions', None)
    with pytest.raises(ValueError, match="lists 'noise' twice"):
        parse_conditions(['noise', 'noise'], 'conditions', None)
    with pytest.raises(ValueError, match='shadows a built-in'):
        parse_conditions([dict(name='noise', files=['x.wav'])], 'c', None)
    with pytest.raises(TypeError, match='sequence'):
        parse_conditions('noise', 'conditions', None)
    with pytest.raises(ValueError, match='unseen_audio_root is not set'):
        parse_conditions(['unseen'], 'conditions', None)


def test_noise_cfg_defaults_and_errors():
    assert parse_noise_cfg(None) == dict(
        distribution='uniform', amplitude=1.0, sample_rate=None)
    assert parse_noise_cfg(dict(amplitude=0.5, sample_rate=44100)) == dict(
        distribution='uniform', amplitude=0.5, sample_rate=44100)
    with pytest.raises(ValueError, match='unknown noise_cfg keys'):
        parse_noise_cfg(dict(level=1))
    with pytest.raises(ValueError, match="'uniform' or 'gaussian'"):
        parse_noise_cfg(dict(distribution='pink'))


def test_group_presets():
    assert resolve_groups(None, None) == (S4_CATEGORY_GROUPS,
                                          S4_AVOID_GROUPS)
    groups, avoid = resolve_groups('ms3', None)
    assert groups == MS3_OBJECT_GROUPS and avoid == MS3_AVOID_GROUPS
    # SynthAVS has no avoidance preset: nothing is avoided
    assert resolve_groups('synthavs', None) == (SYNTHAVS_CATEGORY_GROUPS, {})
    custom = resolve_groups(dict(a='x', b='y'), dict(x=['y']))
    assert custom == (dict(a='x', b='y'), dict(x=('y', )))
    with pytest.raises(ValueError, match='unknown category_groups preset'):
        resolve_groups('vgg', None)
    with pytest.raises(ValueError, match='unknown avoid_groups preset'):
        resolve_groups('s4', 'vgg')
