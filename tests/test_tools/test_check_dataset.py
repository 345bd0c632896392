# Copyright (c) mmavs contributors. All rights reserved.
"""tools/misc/check_dataset.py: each planted fault is reported as its kind,
for its clip only; the counts; the exit status."""
import json
import os
import os.path as osp

import cv2
import numpy as np
import pytest

from mmavs.testing.fixtures import (make_avss_fixture, make_s4_fixture,
                                    tone, write_wav)
from mmavs.testing.tools import load_tool_module


@pytest.fixture(scope='module')
def checker():
    return load_tool_module('tools/misc/check_dataset.py')


def _config(path, dataset: str, pad_mode: str = 'error', **kwargs) -> str:
    extra = ''.join(f', {k}={v!r}' for k, v in kwargs.items())
    lines = []
    for split in ('train', 'val', 'test'):
        lines.append(
            f"{split}_dataloader = dict(dataset=dict(type='{dataset}', "
            f"split='{split}'{extra}, pipeline=[dict(type='LoadAVFrames'), "
            "dict(type='LoadAVAnnotations'), dict(type='LoadAVAudio', "
            f"representation='vggish', pad_mode='{pad_mode}'), "
            "dict(type='ClipResize', scale=(8, 8))]))")
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return str(path)


def _run(checker, config, tmp_path, *extra):
    out = str(tmp_path / 'report.json')
    status = checker.main([config, '--out', out] + list(extra))
    return status, json.load(open(out))


def _errors(report, kind):
    return sorted(e['clip'] for s in report['splits']
                  for e in s['errors'].get(kind, []))


@pytest.fixture
def s4_tree(tmp_path):
    root = str(tmp_path / 's4')
    recs = make_s4_fixture(
        root,
        dict(train=3, val=2, test=1),
        sample_rate=16000,
        with_log_mel=False)
    return root, recs


def _s4_paths(root, rec):
    base = osp.join(root, 'Single-source', 's4_data')
    sub = osp.join(rec['split'], rec['category'], rec['name'])
    return (osp.join(base, 'visual_frames', sub),
            osp.join(base, 'gt_masks', sub),
            osp.join(base, 'audio_wav', sub + '.wav'))


def test_clean_tree_passes_and_counts(checker, s4_tree, tmp_path):
    root, recs = s4_tree
    cfg = _config(tmp_path / 'cfg.py', 'AVSBenchS4Dataset', data_root=root)
    status, rep = _run(checker, cfg, tmp_path)
    assert status == 0 and rep['errors'] == 0
    by_split = {s['split']: s for s in rep['splits']}
    assert {k: v['clips'] for k, v in by_split.items()} == dict(
        train=3, val=2, test=1)
    assert by_split['train']['official'] == [
        dict(
            subset='',
            clips=3,
            official=3452,
            matches=False,
            source='AVSBench-Object S4')
    ]
    # categories from the CSV; mask classes counted over the labelled
    # frames (train: frame 1 only)
    cats = [r['category'] for r in recs if r['split'] == 'train']
    assert by_split['train']['categories'] == {
        c: cats.count(c)
        for c in set(cats)
    }
    fg = sum(int((r['masks'][0] > 0).sum()) for r in recs
             if r['split'] == 'train')
    h, w = recs[0]['frames'][0].shape[:2]
    assert by_split['train']['mask_classes'] == dict(
        background=dict(frames=3, pixels=3 * h * w - fg),
        sounding=dict(frames=3, pixels=fg))
    # count mismatches are errors only with --strict-counts
    status, rep = _run(checker, cfg, tmp_path, '--strict-counts')
    assert status == 1 and rep['count_mismatches'] == 3


def test_s4_faults_each_reported_for_its_clip(checker, s4_tree, tmp_path):
    root, recs = s4_tree
    train = [r for r in recs if r['split'] == 'train']
    val = [r for r in recs if r['split'] == 'val']
    # missing frame; undecodable mask; short audio; frame of another size
    frames, _, _ = _s4_paths(root, train[0])
    os.remove(osp.join(frames, f'{train[0]["name"]}_3.png'))
    _, masks, _ = _s4_paths(root, train[1])
    with open(osp.join(masks, f'{train[1]["name"]}_1.png'), 'wb') as f:
        f.write(b'\x89PNG but not really')
    _, _, wav = _s4_paths(root, val[0])
    write_wav(wav, tone(300, 2.0, 16000), 16000)
    frames, _, _ = _s4_paths(root, val[1])
    cv2.imwrite(
        osp.join(frames, f'{val[1]["name"]}_2.png'),
        np.zeros((5, 7, 3), np.uint8))
    cfg = _config(tmp_path / 'cfg.py', 'AVSBenchS4Dataset', data_root=root)
    status, rep = _run(checker, cfg, tmp_path)
    assert status == 1
    assert _errors(rep, 'missing_file') == [train[0]['name']]
    assert _errors(rep, 'unreadable_file') == [train[1]['name']]
    assert _errors(rep, 'short_audio') == [val[0]['name']]
    assert _errors(rep, 'size_mismatch') == [val[1]['name']]
    assert rep['errors'] == 4
    msg = rep['splits'][0]['errors']['missing_file'][0]['message']
    assert f'{train[0]["name"]}_3.png' in msg
    # the config pads short audio: a warning, not an error
    cfg = _config(
        tmp_path / 'cfg2.py',
        'AVSBenchS4Dataset',
        pad_mode='repeat',
        data_root=root)
    status, rep = _run(checker, cfg, tmp_path)
    assert _errors(rep, 'short_audio') == []
    warned = [
        w['clip'] for s in rep['splits']
        for w in s['warnings'].get('short_audio', [])
    ]
    assert warned == [val[0]['name']]
    assert rep['errors'] == 3


def test_avss_colours_labels_and_a_split_without_rows(checker, tmp_path):
    root = str(tmp_path / 'avss')
    recs = make_avss_fixture(
        root, [('v1m', 'train'), ('v1m', 'train'), ('v2', 'train'),
               ('v1s', 'test')],
        sample_rate=16000)
    # a colour outside the palette in one mask of one clip
    bad = recs[0]
    path = osp.join(root, bad['label'], bad['uid'], 'labels_rgb', '2.png')
    img = cv2.imread(path)
    img[0, 0] = (3, 2, 1)
    cv2.imwrite(path, img)
    cfg = _config(tmp_path / 'cfg.py', 'AVSSDataset', data_root=root)
    status, rep = _run(checker, cfg, tmp_path)
    assert status == 1
    assert _errors(rep, 'unknown_colour') == [bad['uid']]
    assert '[1, 2, 3]' in rep['splits'][0]['errors']['unknown_colour'][0][
        'message']
    # the CSV has no val row: reported for the split, the others checked
    (val, ) = [s for s in rep['splits'] if s['split'] == 'val']
    assert 'no row' in val['errors']['data_list'][0]['message']
    train = {s['split']: s for s in rep['splits']}['train']
    assert train['subsets'] == dict(v1m=2, v2=1)
    assert [(o['subset'], o['clips'], o['official'])
            for o in train['official']] == [('v1s', 0, 3452),
                                            ('v1m', 2, 296), ('v2', 1, 4750)]
    # with 30 classes, the fixture's labels >= 30 are out of range
    cfg = _config(
        tmp_path / 'cfg30.py',
        'AVSSDataset',
        data_root=root,
        metainfo=dict(classes=tuple(f'c{k}' for k in range(30))))
    status, rep = _run(checker, cfg, tmp_path)
    high = sorted(r['uid'] for r in recs[1:] if any(
        m is not None and m.max() >= 30 for m in r['masks']))
    assert high
    assert sorted(set(_errors(rep, 'label_out_of_range')) -
                  {bad['uid']}) == high
