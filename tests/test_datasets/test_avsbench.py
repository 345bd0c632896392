# Copyright (c) mmavs contributors. All rights reserved.
"""AVSBench-Object S4 / MS3 read from fixture trees in the official layout."""
import os
import os.path as osp

import numpy as np
import pytest
from mmengine.registry import init_default_scope

import mmavs  # noqa: F401
from mmavs.datasets import DataListError
from mmavs.datasets.audio_features import waveform_to_vggish_examples
from mmavs.datasets.audio_io import AudioFileError, load_audio
from mmavs.registry import DATASETS
from mmavs.testing import (make_ms3_fixture, make_s4_fixture, write_csv,
                           write_image)

LOAD = [
    dict(type='LoadAVFrames'),
    dict(type='LoadAVAnnotations'),
    dict(type='LoadAVAudio', representation='vggish'),
]


@pytest.fixture(scope='module')
def s4_tree(tmp_path_factory):
    init_default_scope('mmavs')
    root = str(tmp_path_factory.mktemp('s4'))
    return root, make_s4_fixture(root)


@pytest.fixture(scope='module')
def ms3_tree(tmp_path_factory):
    init_default_scope('mmavs')
    root = str(tmp_path_factory.mktemp('ms3'))
    return root, make_ms3_fixture(root)


def _build(type_, root, split, pipeline=LOAD, **kwargs):
    # serialization (a gc.collect per build) is covered once, below
    kwargs.setdefault('serialize_data', False)
    return DATASETS.build(
        dict(
            type=type_,
            data_root=root,
            split=split,
            pipeline=pipeline,
            **kwargs))


def _check_contract(results, T=5):
    for key in ('clip_id', 'category', 'num_frames', 'audio_condition',
                'frame_paths', 'mask_paths', 'valid', 'labelled', 'frames',
                'gt_masks', 'audio', 'img_shape', 'ori_shape'):
        assert key in results, key
    assert results['num_frames'] == T
    assert results['audio_condition'] == 'positive'
    assert len(results['frames']) == len(results['gt_masks']) == T
    h, w = results['img_shape']
    for frame, mask in zip(results['frames'], results['gt_masks']):
        assert frame.shape == (h, w, 3) and frame.dtype == np.uint8
        assert mask.shape == (h, w) and mask.dtype == np.uint8
    assert results['audio'].dtype == np.float32
    assert results['audio'].shape[0] == T


@pytest.mark.parametrize('split', ['train', 'val', 'test'])
def test_s4_reads_fixture(s4_tree, split):
    root, records = s4_tree
    records = [r for r in records if r['split'] == split]
    dataset = _build('AVSBenchS4Dataset', root, split)
    assert len(dataset) == len(records)
    assert dataset.metainfo['classes'] == ('background', 'sounding')
    for idx, rec in enumerate(records):
        res = dataset[idx]
        _check_contract(res)
        assert res['clip_id'] == rec['name']
        assert res['category'] == rec['category']
        assert res['valid'] == [True] * 5
        expected_labelled = [True] + [split != 'train'] * 4
        assert res['labelled'] == expected_labelled
        assert [p is not None for p in res['mask_paths']] == expected_labelled
        assert res['frame_paths'][2].endswith(
            osp.join(split, rec['category'], rec['name'],
                     f"{rec['name']}_3.png"))
        for t in range(5):
            np.testing.assert_array_equal(res['frames'][t], rec['frames'][t])
            if expected_labelled[t]:
                np.testing.assert_array_equal(res['gt_masks'][t],
                                              rec['masks'][t])
            else:
                assert (res['gt_masks'][t] == 255).all()
        wav = res['audio_path']
        assert wav.endswith(
            osp.join(split, rec['category'], rec['name'] + '.wav'))
        wave, sr = load_audio(wav)
        np.testing.assert_array_equal(res['audio'][:, 0],
                                      waveform_to_vggish_examples(wave, sr))


def test_s4_feature_representation_and_lazy_init(s4_tree):
    root, records = s4_tree
    rec = [r for r in records if r['split'] == 'val'][0]
    pipeline = [dict(type='LoadAVAudio', representation='feature')]
    dataset = _build(
        'AVSBenchS4Dataset',
        root,
        'val',
        pipeline,
        lazy_init=True,
        serialize_data=True)
    assert not dataset._fully_initialized
    info = dataset.get_data_info(0)  # triggers full_init
    assert dataset._fully_initialized and info['clip_id'] == rec['name']
    assert info['audio_feat_path'].endswith(
        osp.join('audio_log_mel', 'val', rec['category'],
                 rec['name'] + '.pkl'))
    np.testing.assert_array_equal(dataset[0]['audio'], rec['log_mel'])
    plain = _build(
        'AVSBenchS4Dataset', root, 'val', pipeline, serialize_data=False)
    assert plain.get_data_info(0) == info


@pytest.mark.parametrize('split', ['train', 'test'])
def test_ms3_reads_fixture(ms3_tree, split):
    root, records = ms3_tree
    records = [r for r in records if r['split'] == split]
    dataset = _build('AVSBenchMS3Dataset', root, split)
    assert len(dataset) == len(records)
    for idx, rec in enumerate(records):
        res = dataset[idx]
        _check_contract(res)
        assert res['clip_id'] == rec['vid'] and res['category'] == ''
        assert res['labelled'] == [True] * 5
        assert res['frame_paths'][0].endswith(
            osp.join('visual_frames', rec['vid'], rec['vid'] + '.mp4_1.png'))
        assert res['mask_paths'][4].endswith(
            osp.join('gt_masks', split, rec['vid'], rec['vid'] + '_5.png'))
        for t in range(5):
            np.testing.assert_array_equal(res['frames'][t], rec['frames'][t])
            np.testing.assert_array_equal(res['gt_masks'][t], rec['masks'][t])


def test_binary_threshold(tmp_path):
    init_default_scope('mmavs')
    root = str(tmp_path)
    rec = make_s4_fixture(root, dict(val=1), with_log_mel=False)[0]
    mask_path = osp.join(root, 'Single-source', 's4_data', 'gt_masks', 'val',
                         rec['category'], rec['name'], rec['name'] + '_2.png')
    grey = np.array([[0, 127, 128, 255]], np.uint8).repeat(24, 0).repeat(8, 1)
    write_image(mask_path, grey)
    res = _build('AVSBenchS4Dataset', root, 'val')[0]
    np.testing.assert_array_equal(res['gt_masks'][1][0, ::8], [0, 0, 1, 1])


# ---------------------------------------------------------------------------
# bad input: every error names the file / row and what was expected
# ---------------------------------------------------------------------------
@pytest.fixture
def one_clip(tmp_path):
    init_default_scope('mmavs')
    root = str(tmp_path)
    rec = make_s4_fixture(root, dict(val=1), with_log_mel=False)[0]
    clip = osp.join(root, 'Single-source', 's4_data', '{}', 'val',
                    rec['category'], rec['name'])
    return root, rec, clip


def test_missing_frame(one_clip):
    root, rec, clip = one_clip
    path = osp.join(clip.format('visual_frames'), rec['name'] + '_4.png')
    os.remove(path)
    with pytest.raises(FileNotFoundError, match=rf'frame 3.*{rec["name"]}_4'):
        _build('AVSBenchS4Dataset', root, 'val')[0]


def test_missing_mask(one_clip):
    root, rec, clip = one_clip
    os.remove(osp.join(clip.format('gt_masks'), rec['name'] + '_1.png'))
    with pytest.raises(FileNotFoundError, match=rf'mask 0.*{rec["name"]}_1'):
        _build('AVSBenchS4Dataset', root, 'val')[0]


def test_missing_audio(one_clip):
    root, rec, _ = one_clip
    os.remove(
        osp.join(root, 'Single-source', 's4_data', 'audio_wav', 'val',
                 rec['category'], rec['name'] + '.wav'))
    with pytest.raises(AudioFileError, match=rf'not found.*{rec["name"]}'):
        _build('AVSBenchS4Dataset', root, 'val')[0]


def test_frames_of_different_sizes(one_clip):
    root, rec, clip = one_clip
    write_image(
        osp.join(clip.format('visual_frames'), rec['name'] + '_3.png'),
        np.zeros((10, 12, 3), np.uint8))
    with pytest.raises(ValueError, match=r'_3\.png has size.*\(10, 12\)'):
        _build('AVSBenchS4Dataset', root, 'val')[0]


def test_mask_of_wrong_size(one_clip):
    root, rec, clip = one_clip
    write_image(
        osp.join(clip.format('gt_masks'), rec['name'] + '_2.png'),
        np.zeros((10, 12), np.uint8))
    with pytest.raises(ValueError, match=r'_2\.png has size.*expected'):
        _build('AVSBenchS4Dataset', root, 'val')[0]


def test_csv_missing_column(one_clip):
    root, rec, _ = one_clip
    csv = osp.join(root, 'Single-source', 's4_meta_data.csv')
    write_csv(csv, ('name', 'split'), [dict(name=rec['name'], split='val')])
    with pytest.raises(
            DataListError,
            match=r"s4_meta_data.csv lacks the column.*category"):
        _build('AVSBenchS4Dataset', root, 'val')
    with pytest.raises(FileNotFoundError, match='nothing.csv'):
        _build('AVSBenchS4Dataset', root, 'val', ann_file='nothing.csv')


def test_unknown_split(one_clip):
    root, _, _ = one_clip
    with pytest.raises(DataListError, match=r"split='train'.*\['val'\]"):
        _build('AVSBenchS4Dataset', root, 'train')


def test_meta_columns_are_copied_or_named_when_missing(ms3_tree):
    import pandas as pd
    root, records = ms3_tree
    csv = osp.join(root, 'Multi-sources', 'ms3_meta_data.csv')
    table = pd.read_csv(csv, dtype=str)
    table['case'] = [f'case{i}' for i in range(len(table))]
    table.to_csv(csv, index=False)
    dataset = _build(
        'AVSBenchMS3Dataset', root, 'train', meta_columns=('case', ))
    expected = table[table['split'] == 'train']['case'].tolist()
    assert [dataset.get_data_info(i)['case']
            for i in range(len(dataset))] == expected
    # a column missing from the whole CSV is reported once, for the file
    with pytest.raises(DataListError) as err:
        _build('AVSBenchMS3Dataset', root, 'train', meta_columns=('scene', ))
    message = str(err.value)
    assert 'ms3_meta_data.csv lacks the meta column' in message
    assert "'scene'" in message and 'row' not in message
