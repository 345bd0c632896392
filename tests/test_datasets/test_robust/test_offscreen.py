# Copyright (c) mmavs contributors. All rights reserved.
"""Off-screen sampling: groups, avoided groups, relaxation, draws."""
import numpy as np
import pytest

from mmavs.datasets.robust.offscreen import (OffscreenSampler,
                                             clip_category_names,
                                             read_category_file)


def test_official_avoid_groups():
    groups = dict(a='music', b='human', c='animal', d='device')
    sampler = OffscreenSampler([['a'], ['b'], ['c'], ['d']],
                               groups, {'music': ('human', )},
                               sampling='clip')
    # the music clip avoids human sounds; the human clip may take music
    assert sorted(sampler.candidates(0)[0].tolist()) == [2, 3]
    assert sorted(sampler.candidates(1)[0].tolist()) == [0, 2, 3]


def test_relaxation_levels():
    groups = dict(a='g', b='g', c='h')
    # clip 0 (a) avoids h: no clip of another non-avoided group -> relaxed
    sampler = OffscreenSampler([['a'], ['b'], ['c']], groups,
                               {'g': ('h', )})
    cand, level = sampler.candidates(0)
    assert level == 'group_relaxed' and cand.tolist() == [2]
    # every clip in one group: another category of that group
    same = OffscreenSampler([['a'], ['b'], ['a']], dict(a='g', b='g'), {})
    cand, level = same.candidates(0)
    assert level == 'category' and cand.tolist() == [1]
    with pytest.raises(ValueError, match=r"no off-screen source.*\('a',\)"):
        OffscreenSampler([['a'], ['a']], dict(a='g'), {}).candidates(0)


def test_category_sampling_draws_a_category_first():
    """'category': a category set uniformly, then one of its clips;
    'clip': a clip uniformly (the official S4 / MS3 generators)."""
    names = [['x']] + [['a']] * 8 + [['b']]
    groups = dict(x='g', a='h', b='h')
    rng = np.random.default_rng(0)
    by_category = OffscreenSampler(names, groups, {}, sampling='category')
    draws = np.array([by_category.draw(0, rng)[0] for _ in range(4000)])
    # half the draws go to the single 'b' clip
    assert abs((draws == 9).mean() - 0.5) < 0.03
    by_clip = OffscreenSampler(names, groups, {}, sampling='clip')
    draws = np.array([by_clip.draw(0, rng)[0] for _ in range(4000)])
    assert abs((draws == 9).mean() - 1 / 9) < 0.02
    assert (draws != 0).all()
    with pytest.raises(ValueError, match='offscreen_sampling'):
        OffscreenSampler(names, groups, {}, sampling='group')


def test_missing_groups_are_named_with_a_clip():
    with pytest.raises(ValueError, match=r"'b' \(clip c1\)"):
        OffscreenSampler([['a'], ['b']], dict(a='g'), {},
                         clip_ids=['c0', 'c1'])


def test_clip_category_names():
    infos = [dict(clip_id='v0', category='man_guitar'),
             dict(clip_id='v1', category='dog')]
    assert clip_category_names(infos, separator='_') == [['man', 'guitar'],
                                                        ['dog']]
    assert clip_category_names(
        infos, dict(v0='cat', v1=['dog', 'bird'])) == [['cat'],
                                                       ['dog', 'bird']]
    with pytest.raises(KeyError, match='clip v1 has no entry in my_map'):
        clip_category_names(infos, dict(v0='cat'), where='my_map')
    with pytest.raises(ValueError, match='clip v0 has no category'):
        clip_category_names([dict(clip_id='v0', category='')])


def test_read_category_file(tmp_path):
    csv = tmp_path / 'meta.csv'
    csv.write_text('vid,a_obj,label\nv0,man_guitar,v1m\nv1,dog,v1m\n'
                   'v0,car,v1s\n')
    spec = dict(path='meta.csv', separator='_', filters=dict(label='v1m'))
    assert read_category_file(spec, str(tmp_path)) == {
        'v0': ['man', 'guitar'],
        'v1': ['dog']
    }
    with pytest.raises(ValueError, match="has no column 'objects'"):
        read_category_file(
            dict(path=str(csv), category_column='objects'), '')
    with pytest.raises(FileNotFoundError, match='nothere.csv'):
        read_category_file(dict(path='nothere.csv'), str(tmp_path))
    with pytest.raises(ValueError, match='must have path'):
        read_category_file(dict(path=str(csv), sep='_'), '')
