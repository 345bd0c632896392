# Copyright (c) mmavs contributors. All rights reserved.
"""Every metadata row is accounted for; decoded labels are in range."""
import os.path as osp

import numpy as np
import pandas as pd
import pytest
from mmengine.registry import init_default_scope

import mmavs  # noqa: F401
from mmavs.datasets import DataListError, avss_palette
from mmavs.registry import DATASETS
from mmavs.testing import (log_records, make_avss_fixture, make_ms3_fixture,
                           make_s4_fixture, make_vpo_fixture, write_image)

# dataset type, fixture, CSV (relative to the root), allowed split values
LAYOUTS = {
    'S4': ('AVSBenchS4Dataset', make_s4_fixture,
           'Single-source/s4_meta_data.csv', ('train', 'val', 'test')),
    'MS3': ('AVSBenchMS3Dataset', make_ms3_fixture,
            'Multi-sources/ms3_meta_data.csv', ('train', 'val', 'test')),
    'AVSS': ('AVSSDataset', make_avss_fixture, 'metadata.csv', ('train', 'val',
                                                                'test')),
    'VPO':
    ('VPODataset', make_vpo_fixture, 'vpo_ss_data.csv', ('train', 'val')),
}


@pytest.fixture(autouse=True)
def _scope():
    init_default_scope('mmavs')


LOAD_MASKS = [dict(type='LoadAVFrames'), dict(type='LoadAVAnnotations')]


def _build(type_, root, split, pipeline=(), **kwargs):
    return DATASETS.build(
        dict(
            type=type_,
            data_root=root,
            split=split,
            pipeline=list(pipeline),
            serialize_data=False,
            **kwargs))


@pytest.mark.parametrize('layout', sorted(LAYOUTS))
def test_misspelt_split_is_an_error(tmp_path, layout):
    type_, make, csv, allowed = LAYOUTS[layout]
    root = str(tmp_path)
    make(root)
    path = osp.join(root, csv)
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.loc[len(table) - 1, 'split'] = 'tset'
    table.to_csv(path, index=False)
    with pytest.raises(DataListError) as err:
        _build(type_, root, 'train')
    message = str(err.value)
    # the CSV, the row (line of the file: header = line 1) and the values
    assert f'{csv} row {len(table) + 1}' in message
    assert "'tset'" in message and str(allowed) in message


@pytest.mark.parametrize('layout', ['S4', 'AVSS'])
def test_clips_per_split_are_logged(tmp_path, layout):
    type_, make, csv, _ = LAYOUTS[layout]
    root = str(tmp_path)
    make(root)
    table = pd.read_csv(osp.join(root, csv), dtype=str)
    counts = table['split'].value_counts()
    with log_records() as records:
        dataset = _build(type_, root, 'train')
    logged = ' '.join(r.getMessage() for r in records)
    per_split = ', '.join(f'{int(counts.get(s, 0))} {s}'
                          for s in ('train', 'val', 'test'))
    assert f'{type_}: {osp.join(root, csv)} holds {per_split} row(s)' \
        in logged
    assert f"split 'train': {len(dataset)} clip(s) loaded" in logged
    assert len(dataset) == int(counts['train'])


SIX_CLASSES = dict(
    classes=('background', 'a', 'b', 'c', 'd', 'e'),
    palette=avss_palette(6).tolist())


def test_semantic_class_outside_the_dataset_classes(tmp_path):
    root = str(tmp_path)
    rec = make_avss_fixture(root, [('v1m', 'val')])[0]
    mask = np.zeros((24, 32), np.uint8)
    mask[2:6, 2:6] = 3
    mask[10:12, 10:13] = 10  # 6 pixels of class 10 ('bus' in AVSBench)
    rgb = avss_palette()[mask]
    path = osp.join(root, 'v1m', rec['uid'], 'labels_rgb', '1.png')
    write_image(path, rgb)
    for i in (0, 2, 3, 4):  # the other masks of the clip hold class 3
        write_image(
            osp.join(root, 'v1m', rec['uid'], 'labels_rgb', f'{i}.png'),
            avss_palette()[np.where(mask == 10, 3, mask)])
    dataset = _build(
        'AVSSDataset',
        root,
        'val',
        LOAD_MASKS,
        metainfo=SIX_CLASSES,
        num_frames=5,
        subsets=('v1m', ))
    with pytest.raises(ValueError) as err:
        dataset[0]
    message = str(err.value)
    assert f'clip {rec["uid"]}' in message and path in message
    # class 10 = 0b001010: bit 1 -> G bit 7, bit 3 -> R bit 6
    assert "class 10 (6 pixel(s), colour RGB [64, 128, 0] = AVSBench " \
        "class 'bus')" in message
    assert 'outside the 6 classes (0..5)' in message
    # with all 71 classes the same mask is fine
    full = _build(
        'AVSSDataset',
        root,
        'val',
        LOAD_MASKS,
        num_frames=5,
        subsets=('v1m', ))
    assert full[0]['gt_masks'][1].max() == 10


def test_index_masks_are_checked_against_the_classes(tmp_path):
    root = str(tmp_path)
    records = make_vpo_fixture(root)
    # VPO with its first 3 classes only
    meta = dict(
        classes=('background', 'airplane', 'baby'),
        palette=avss_palette(3).tolist())
    dataset = _build('VPODataset', root, 'train', LOAD_MASKS, metainfo=meta)
    first = records[0]  # a dog: COCO id 18, VPO class 9
    assert first['split'] == 'train' and first['rows'][0]['cateId'] == 18
    with pytest.raises(ValueError) as err:
        dataset[0]
    message = str(err.value)
    assert f'{first["img_id"]:012d}_{first["ann_id"]:012d}.png' in message
    assert 'class 9 (' in message and 'mask value(s) [18])' in message
    assert 'outside the 3 classes (0..2)' in message
