# Copyright (c) mmavs contributors. All rights reserved.
"""ensure_synthavs (stamp, reuse, regeneration, lock) and make_synthavs.py.
"""
import csv
import json
import os
import os.path as osp
import runpy

import pytest
import torch

from mmavs.synthavs import (STAMP_FILE, SynthAVSParams, ensure_synthavs,
                            generate_synthavs, read_stamp)
from mmavs.testing import repo_root, tone, write_wav

MS3_CSV = osp.join('Multi-sources', 'ms3_meta_data.csv')


def test_ensure_synthavs_is_idempotent_and_regenerates(tmp_path, capsys):
    root = str(tmp_path / 'synthavs')
    kwargs = dict(layouts=('ms3', ), num_train=4, num_val=2, num_test=2)
    assert ensure_synthavs(root, seed=1, **kwargs) == root
    out = capsys.readouterr().out
    assert 'writing ms3/train: 4 clips' in out and '4/4' in out
    marker = osp.join(root, 'marker')
    open(marker, 'w').close()
    stamp_time = os.stat(osp.join(root, STAMP_FILE)).st_mtime_ns
    ensure_synthavs(root, seed=1, **kwargs)
    assert osp.exists(marker)  # not regenerated
    assert os.stat(osp.join(root, STAMP_FILE)).st_mtime_ns == stamp_time
    out = capsys.readouterr().out
    assert 'is up to date' in out and 'reused it in' in out
    assert 'writing' not in out
    # the same parameters given as a dataclass: still current
    ensure_synthavs(root, SynthAVSParams(seed=1, **kwargs), progress=False)
    assert osp.exists(marker) and capsys.readouterr().out == ''
    ensure_synthavs(root, seed=2, **kwargs)
    assert not osp.exists(marker)  # other parameters: regenerated
    assert read_stamp(root)['params']['seed'] == 2
    # a stamp of another generator version is out of date
    stamp = read_stamp(root)
    stamp['version'] = '1.0'
    with open(osp.join(root, STAMP_FILE), 'w') as f:
        json.dump(stamp, f)
    open(marker, 'w').close()
    ensure_synthavs(root, seed=2, progress=False, **kwargs)
    assert not osp.exists(marker)
    # a removed layout is regenerated too
    os.remove(osp.join(root, MS3_CSV))
    ensure_synthavs(root, seed=2, progress=False, **kwargs)
    assert osp.isfile(osp.join(root, MS3_CSV))
    # nothing is left beside the tree but its lock file
    assert sorted(os.listdir(tmp_path)) == ['synthavs', 'synthavs.lock']
    with pytest.raises(TypeError, match='overwrite'):
        ensure_synthavs(root, overwrite=True)
    with pytest.raises(TypeError, match='num_trains'):
        ensure_synthavs(root, seed=2, num_trains=4)
    with pytest.raises(TypeError, match='not both'):
        ensure_synthavs(root, SynthAVSParams(), seed=2)


def test_generate_refuses_to_overwrite(tmp_path):
    kwargs = dict(layouts=('s4', ), num_train=2, num_val=1, num_test=1)
    generate_synthavs(str(tmp_path), **kwargs)
    with pytest.raises(FileExistsError, match='Single-source'):
        generate_synthavs(str(tmp_path), **kwargs)
    generate_synthavs(str(tmp_path), overwrite=True, **kwargs)
    with pytest.raises(KeyError, match='unknown SynthAVS layout'):
        generate_synthavs(str(tmp_path / 'x'), layouts=('s5', ))


def _recordings(folder, names):
    """Real-recording stand-ins: 3 s tones of distinct pitches at 22.05 kHz
    (the bank must resample them)."""
    os.makedirs(folder, exist_ok=True)
    for k, name in enumerate(names):
        write_wav(
            osp.join(folder, f'{name}.wav'), tone(300 * (k + 1), 3.0, 22050),
            22050)


def test_sound_dir_recordings(tmp_path):
    """--sound-dir: one category per recording, named after the file, and
    the stamp records the files (a changed file regenerates)."""
    sounds = str(tmp_path / 'sounds')
    _recordings(sounds, ['alpha', 'beta', 'gamma'])
    root = str(tmp_path / 'tree')
    kwargs = dict(
        layouts=('ms3', ),
        num_train=3,
        num_val=1,
        num_test=1,
        num_categories=3,
        sound_dir=sounds)
    ensure_synthavs(root, progress=False, **kwargs)
    stamp = read_stamp(root)
    assert [c['name']
            for c in stamp['categories']] == ['alpha', 'beta', 'gamma']
    assert stamp['sounds']['kind'] == 'recordings'
    assert [f[0] for f in stamp['sounds']['files']
            ] == ['alpha.wav', 'beta.wav', 'gamma.wav']
    with open(osp.join(root, MS3_CSV), newline='') as f:
        rows = list(csv.DictReader(f))
    heard = {
        c
        for r in rows
        for c in r['audible'].replace('|', '+').split('+')
    } - {'-'}
    assert heard <= {'alpha', 'beta', 'gamma'}
    marker = osp.join(root, 'marker')
    open(marker, 'w').close()
    write_wav(osp.join(sounds, 'beta.wav'), tone(700, 4.0, 22050), 22050)
    ensure_synthavs(root, progress=False, **kwargs)
    assert not osp.exists(marker)
    with pytest.raises(ValueError, match='needs 5 recordings'):
        generate_synthavs(
            str(tmp_path / 'x'), sound_dir=sounds, num_categories=5)
    with pytest.raises(FileNotFoundError, match='not a folder'):
        generate_synthavs(
            str(tmp_path / 'y'), sound_dir=str(tmp_path / 'none'))


def _tool():
    return runpy.run_path(
        osp.join(repo_root(), 'tools', 'dataset_converters',
                 'make_synthavs.py'))


def test_make_synthavs_tool(tmp_path, capsys):
    tool = _tool()
    out = str(tmp_path / 'out')
    args = [
        out, '--layouts', 'avss', '--num-train', '3', '--num-val', '2',
        '--num-test', '2', '--image-size', '48', '--seed', '5'
    ]
    tool['main'](args)
    text = capsys.readouterr().out
    assert 'avss/train: 3 clips' in text
    assert 'writing avss/train: 3 clips' in text
    # the audio encoder is pretrained on a binary layout's audio only
    assert 'audio encoder' not in text
    assert not osp.exists(osp.join(out, 'pretrained'))
    with open(osp.join(out, 'AVSS', 'metadata.csv'), newline='') as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 7
    import cv2
    img = cv2.imread(
        osp.join(out, 'AVSS', rows[0]['label'], rows[0]['uid'], 'frames',
                 '0.jpg'))
    assert img.shape == (48, 48, 3)
    tool['main'](args + ['--ensure'])  # up to date: no rewrite
    text = capsys.readouterr().out
    assert 'is up to date' in text and 'writing' not in text
    with pytest.raises(FileExistsError):
        tool['main'](args)


def test_make_synthavs_tool_pretrains_and_reuses_the_encoder(tmp_path, capsys):
    tool = _tool()
    out = str(tmp_path / 'out')
    args = [
        out, '--layouts', 'ms3', '--num-train', '6', '--num-val', '2',
        '--num-test', '1', '--image-size', '32', '--ensure'
    ]
    tool['main'](args)
    text = capsys.readouterr().out
    assert 'pretraining the audio encoder: 30 epochs' in text
    assert '30/30' in text
    ckpt = osp.join(out, 'pretrained', 'synthavs_audio_mlp.pth')
    assert osp.isfile(ckpt)
    first = os.stat(ckpt).st_mtime_ns
    tool['main'](args)
    text = capsys.readouterr().out
    assert 'is up to date' in text and 'reused it in' in text
    assert 'audio encoder' in text and 'pretraining' not in text
    assert os.stat(ckpt).st_mtime_ns == first
    meta = torch.load(ckpt, weights_only=True)['meta']
    assert meta['data_stamp'] and meta['epochs'] == 30
