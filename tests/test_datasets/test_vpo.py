# Copyright (c) mmavs contributors. All rights reserved.
"""VPO (SS / MS, mono / stereo) read from fixture trees."""
import os.path as osp
import re

import numpy as np
import pytest
from mmengine.registry import init_default_scope

import mmavs  # noqa: F401
from mmavs.datasets import (VPO_CLASSES, VPO_COCO_ID_TO_NAME, DataListError,
                            vpo_label_map)
from mmavs.datasets.audio_features import centre_crop_or_tile
from mmavs.datasets.audio_io import load_audio
from mmavs.registry import DATASETS, TRANSFORMS
from mmavs.testing import make_vpo_fixture, write_csv, write_image

LOAD = [
    dict(type='LoadAVFrames'),
    dict(type='LoadAVAnnotations'),
    dict(type='LoadAVAudio', representation='waveform', sample_rate=16000),
]


def _build(root, split, subset='ss', stereo=False, pipeline=LOAD, **kw):
    init_default_scope('mmavs')
    csv = f'vpo_{subset}_data' + ('_stereo' if stereo else '') + '.csv'
    return DATASETS.build(
        dict(
            type='VPODataset',
            data_root=root,
            ann_file=csv,
            subset=subset,
            stereo=stereo,
            split=split,
            pipeline=pipeline,
            serialize_data=False,
            **kw))


def _expected_mask(coco_mask):
    lut = vpo_label_map()
    return np.vectorize(lambda v: lut[int(v)])(coco_mask).astype(np.uint8)


def _source(root, row, sr=16000):
    wave, _ = load_audio(
        osp.join(root, 'audios', row['vgg_file'] + '.wav'), sample_rate=sr)
    return centre_crop_or_tile(wave, 3 * sr)


def test_class_table():
    assert len(VPO_CLASSES) == 22 and VPO_CLASSES[0] == 'background'
    lut = vpo_label_map()
    assert lut[0] == 0 and lut[255] == 255
    assert lut[18] == VPO_CLASSES.index('dog')
    assert lut[92] == VPO_CLASSES.index('male')
    assert len(VPO_COCO_ID_TO_NAME) == 21


def test_vpo_ss_mono(tmp_path):
    root = str(tmp_path)
    records = make_vpo_fixture(root, 'ss')
    train = _build(root, 'train')
    test = _build(root, 'test')
    assert len(train) == 2 and len(test) == 1
    rec = records[0]
    res = train[0]
    assert res['num_frames'] == 1 and res['valid'] == [True]
    assert res['labelled'] == [True]
    assert res['clip_id'] == f"{rec['img_id']}_{rec['ann_id']}"
    assert res['frame_paths'][0] == osp.join(root, 'data', 'dog',
                                             f"{rec['img_id']:012d}.jpg")
    assert res['mask_paths'][0] == osp.join(
        root, 'mask', 'dog', f"{rec['img_id']:012d}_{rec['ann_id']:012d}.png")
    assert np.abs(res['frames'][0].astype(int) -
                  rec['image'].astype(int)).mean() < 3
    np.testing.assert_array_equal(res['gt_masks'][0],
                                  _expected_mask(rec['mask']))
    assert set(np.unique(res['gt_masks'][0])) == {0, 9, 255}
    assert res['audio'].shape == (1, 48000)
    np.testing.assert_allclose(
        res['audio'][0], _source(root, rec['rows'][0]), atol=1e-6)
    assert test[0]['category'] == 'male'
    vgg = _build(
        root,
        'train',
        pipeline=LOAD[:2] +
        [dict(type='LoadAVAudio', representation='vggish')])[0]
    assert vgg['audio'].shape == (1, 3, 96, 64)
    binary = _build(root, 'train', pipeline=LOAD[:2], binary=True)
    assert binary.metainfo['classes'] == ('background', 'sounding')
    assert set(np.unique(binary[0]['gt_masks'][0])) == {0, 1, 255}


def test_vpo_ms_stereo_mix_and_flip(tmp_path):
    root = str(tmp_path)
    records = make_vpo_fixture(root, 'ms', stereo=True)
    train = _build(root, 'train', subset='ms', stereo=True)
    assert len(train) == 1
    rec = records[0]
    res = train[0]
    assert res['category'] == 'dog,cat'
    assert res['frame_paths'][0] == osp.join(root, 'data',
                                             f"{rec['img_id']:012d}.jpg")
    assert set(np.unique(res['gt_masks'][0])) >= {
        VPO_CLASSES.index('dog'),
        VPO_CLASSES.index('cat')
    }
    expected = 0
    for row in rec['rows']:
        w, p = _source(root, row), row['audio_pos']
        expected = expected + np.stack([w * (1 - p), w * p])
    assert res['audio'].shape == (1, 2, 48000)
    np.testing.assert_allclose(res['audio'][0], expected, atol=1e-5)
    flip = TRANSFORMS.build(dict(type='ClipRandomFlip', prob=1.0))
    flipped = flip.transform(dict(res))
    assert flipped['flip'] and flipped['flip_direction'] == 'horizontal'
    np.testing.assert_array_equal(flipped['audio'][0, 0], res['audio'][0, 1])
    np.testing.assert_array_equal(flipped['gt_masks'][0],
                                  res['gt_masks'][0][:, ::-1])
    with pytest.raises(
            ValueError, match=rf"clip {rec['img_id']}: .*stereo.*waveform"):
        _build(
            root,
            'train',
            subset='ms',
            stereo=True,
            pipeline=[dict(type='LoadAVAudio', representation='vggish')])[0]


def test_vpo_msmi_single_instance_root(tmp_path):
    root, ms_root = str(tmp_path / 'msmi'), str(tmp_path / 'ms')
    records = make_vpo_fixture(root, 'msmi', ms_root=ms_root)
    test = _build(
        root,
        'test',
        subset='msmi',
        pipeline=LOAD[:2],
        msmi_single_instance_root=ms_root)
    res = test[0]
    assert res['frame_paths'][0] == osp.join(
        ms_root, 'data', f"{records[1]['img_id']:012d}.jpg")
    np.testing.assert_array_equal(res['gt_masks'][0],
                                  _expected_mask(records[1]['mask']))
    train = _build(
        root,
        'train',
        subset='msmi',
        pipeline=LOAD[:2],
        msmi_single_instance_root=ms_root)
    assert train[0]['frame_paths'][0].startswith(root)
    # without the VPO-MS root the single-instance image is not found
    img_id = records[1]['img_id']
    missing = re.escape(osp.join(root, 'data', f'{img_id:012d}.jpg'))
    with pytest.raises(
            FileNotFoundError, match=rf'clip {img_id}: frame 0 .*{missing}'):
        _build(root, 'test', subset='msmi', pipeline=LOAD[:1])[0]


def test_vpo_bad_input(tmp_path):
    root = str(tmp_path)
    records = make_vpo_fixture(root, 'ss')
    rec = records[0]
    mask_path = osp.join(root, 'mask', 'dog',
                         f"{rec['img_id']:012d}_{rec['ann_id']:012d}.png")
    bad = rec['mask'].copy()
    bad[5, 5] = 7  # COCO id 7 (train) is not a VPO class
    write_image(mask_path, bad)
    with pytest.raises(ValueError, match=r'_\d+\.png holds value.*\[7\]'):
        _build(root, 'train', pipeline=LOAD[:2])[0]
    # stereo needs the audio_pos column
    with pytest.raises(DataListError, match=r"lacks the column.*audio_pos"):
        DATASETS.build(
            dict(
                type='VPODataset',
                data_root=root,
                ann_file='vpo_ss_data.csv',
                stereo=True,
                split='train'))
    write_csv(
        osp.join(root, 'vpo_ss_data.csv'),
        ('cateName', 'img_Id', 'ann_Ids', 'cateId', 'split'), rec['rows'])
    with pytest.raises(DataListError, match=r"lacks the column.*vgg_file"):
        _build(root, 'train')
