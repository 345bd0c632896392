# Copyright (c) mmavs contributors. All rights reserved.
"""AVSBench-Semantic read from a fixture tree in the official layout."""
import os.path as osp

import numpy as np
import pytest
from mmengine.registry import init_default_scope

import mmavs  # noqa: F401
from mmavs.datasets import AVSS_CLASSES, DataListError, avss_palette
from mmavs.registry import DATASETS
from mmavs.testing import make_avss_fixture, write_csv, write_image

LOAD = [
    dict(type='LoadAVFrames'),
    dict(type='LoadAVAnnotations'),
    dict(type='LoadAVAudio', representation='vggish', pad_mode='zero'),
]


@pytest.fixture(scope='module')
def avss_tree(tmp_path_factory):
    init_default_scope('mmavs')
    root = str(tmp_path_factory.mktemp('avss'))
    return root, make_avss_fixture(root, semantic=True)


def _build(root, split, pipeline=LOAD, **kwargs):
    kwargs.setdefault('serialize_data', False)
    return DATASETS.build(
        dict(
            type='AVSSDataset',
            data_root=root,
            split=split,
            pipeline=pipeline,
            **kwargs))


def _official_palette(n=71):
    """The loop of the official ``get_v2_pallete``."""
    palette = [0] * (n * 3)
    for j in range(n):
        lab, i = j, 0
        while lab > 0:
            palette[j * 3 + 0] |= (((lab >> 0) & 1) << (7 - i))
            palette[j * 3 + 1] |= (((lab >> 1) & 1) << (7 - i))
            palette[j * 3 + 2] |= (((lab >> 2) & 1) << (7 - i))
            i += 1
            lab >>= 3
    return np.array(palette).reshape(-1, 3)


def test_classes_and_palette():
    assert len(AVSS_CLASSES) == 71 and len(set(AVSS_CLASSES)) == 71
    # label2idx.json is 1-based: background 1, accordion 2, ..., woman 71
    assert AVSS_CLASSES[0] == 'background' and AVSS_CLASSES[1] == 'accordion'
    assert AVSS_CLASSES.index('man') == 41
    assert AVSS_CLASSES.index('woman') == 70
    np.testing.assert_array_equal(avss_palette(), _official_palette())
    assert len({tuple(c) for c in avss_palette().tolist()}) == 71


@pytest.mark.parametrize('split', ['train', 'test'])
def test_avss_reads_fixture(avss_tree, split):
    root, records = avss_tree
    records = [r for r in records if r['split'] == split]
    dataset = _build(root, split)
    assert len(dataset) == len(records)
    assert dataset.metainfo['classes'] == AVSS_CLASSES
    for idx, rec in enumerate(records):
        res = dataset[idx]
        n = 10 if rec['label'] == 'v2' else 5
        assert res['clip_id'] == rec['uid'] and res['subset'] == rec['label']
        assert res['num_frames'] == 10
        assert res['valid'] == [True] * n + [False] * (10 - n)
        lab = ([0] if rec['label'] == 'v1s' and split == 'train' else list(
            range(n)))
        assert res['labelled'] == [t in lab for t in range(10)]
        assert res['frame_paths'][n:] == [None] * (10 - n)
        assert res['frame_paths'][0] == osp.join(root, rec['label'],
                                                 rec['uid'], 'frames', '0.jpg')
        assert res['audio'].shape == (10, 1, 96, 64)
        for t in range(10):
            if t < n:  # jpg frames: lossy, flat colours survive closely
                diff = np.abs(res['frames'][t].astype(int) -
                              rec['frames'][t].astype(int))
                assert diff.mean() < 3
                assert np.abs(res['audio'][t]).sum() > 0
            else:
                assert not res['frames'][t].any()
                assert not res['audio'][t].any()
            if t in lab:
                np.testing.assert_array_equal(res['gt_masks'][t],
                                              rec['masks'][t])
            else:
                assert (res['gt_masks'][t] == 255).all()


def test_avss_semantic_masks_equal_rgb(avss_tree):
    root, _ = avss_tree
    pipeline = LOAD[:2]
    rgb = _build(root, 'test', pipeline)
    sem = _build(root, 'test', pipeline, mask_source='semantic')
    for i in range(len(rgb)):
        a, b = rgb[i], sem[i]
        assert b['mask_paths'][0].endswith(
            osp.join('labels_semantic', '0.png'))
        for ma, mb in zip(a['gt_masks'], b['gt_masks']):
            np.testing.assert_array_equal(ma, mb)


def test_avss_s4_and_ms3_views(avss_tree):
    root, records = avss_tree
    s4 = _build(
        root, 'train', LOAD[:2], subsets=('v1s', ), binary=True, num_frames=5)
    rec = [
        r for r in records if r['label'] == 'v1s' and r['split'] == 'train'
    ][0]
    assert len(s4) == 1
    assert s4.metainfo['classes'] == ('background', 'sounding')
    res = s4[0]
    assert res['num_frames'] == 5 and res['valid'] == [True] * 5
    assert res['labelled'] == [True, False, False, False, False]
    np.testing.assert_array_equal(res['gt_masks'][0], (rec['masks'][0]
                                                       > 0).astype(np.uint8))
    ms3 = _build(
        root, 'train', LOAD[:2], subsets=('v1m', ), binary=True, num_frames=5)
    assert len(ms3) == 1 and ms3[0]['labelled'] == [True] * 5
    assert set(np.unique(np.stack(ms3[0]['gt_masks']))) == {0, 1}
    with pytest.raises(ValueError, match=r"num_frames=5.*\['v2'\]"):
        _build(root, 'train', subsets=('v2', ), num_frames=5)


def test_mask_colour_not_in_palette(tmp_path):
    init_default_scope('mmavs')
    root = str(tmp_path)
    rec = make_avss_fixture(root, [('v1m', 'val')])[0]
    path = osp.join(root, 'v1m', rec['uid'], 'labels_rgb', '2.png')
    bad = np.zeros((24, 32, 3), np.uint8)
    bad[3:5, 3:5] = (1, 2, 3)
    write_image(path, bad)
    with pytest.raises(
            ValueError,
            match=r'2\.png holds 4 pixel.*\[1, 2, 3\]'
            r'.*71-colour palette'):
        _build(root, 'val', LOAD[:2])[0]


def test_bad_metadata(tmp_path):
    init_default_scope('mmavs')
    root = str(tmp_path)
    make_avss_fixture(root, [('v1s', 'val')])
    csv = osp.join(root, 'metadata.csv')
    cols = ('vid', 'uid', 's_min', 's_sec', 'a_obj', 'split', 'label')
    write_csv(csv, cols, [
        dict(uid='a', split='val', label='v1s'),
        dict(uid='b', split='val', label='v3')
    ])
    with pytest.raises(DataListError, match=r"row 3: label 'v3'"):
        _build(root, 'val')
    write_csv(csv, cols[:-1], [dict(uid='a', split='val')])
    with pytest.raises(DataListError, match=r"lacks the column.*'label'"):
        _build(root, 'val')
