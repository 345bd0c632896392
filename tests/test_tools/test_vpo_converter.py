# Copyright (c) mmavs contributors. All rights reserved.
"""tools/dataset_converters/vpo.py: COCO images and VGGSound audio where
VPODataset reads them; missing sources reported, the rest converted."""
import json
import os
import os.path as osp

import numpy as np
import pytest
from mmengine.registry import init_default_scope

from mmavs.datasets import VPODataset
from mmavs.datasets.audio_io import load_audio
from mmavs.datasets.conversion import ConversionJob
from mmavs.datasets.video_io import write_video
from mmavs.testing.fixtures import make_vpo_raw_release
from mmavs.testing.tools import load_tool_module


@pytest.fixture(scope='module')
def tool():
    return load_tool_module('tools/dataset_converters/vpo.py')


@pytest.fixture(scope='module')
def checker():
    return load_tool_module('tools/misc/check_dataset.py')


def test_vgg_fields(tool):
    assert tool.vgg_fields('a_b-c_134000_144000') == dict(
        vgg_file='a_b-c_134000_144000',
        ytid='a_b-c',
        start_ms=134000,
        end_ms=144000,
        start_s=134)
    assert tool.vgg_fields('plainname') == dict(vgg_file='plainname')


def _read(root, audio_dir, subset):
    init_default_scope('mmavs')
    items = []
    for split in ('train', 'test'):
        ds = VPODataset(
            data_root=root,
            ann_file=f'vpo_{subset}_data.csv',
            split=split,
            subset=subset,
            data_prefix=dict(
                img_path='data', seg_map_path='mask', audio_path=audio_dir),
            pipeline=[
                dict(type='LoadAVFrames'),
                dict(type='LoadAVAnnotations'),
                dict(
                    type='LoadAVAudio',
                    representation='waveform',
                    sample_rate=16000,
                    pad_mode='repeat')
            ])
        items += [ds[i] for i in range(len(ds))]
    return items


@pytest.mark.parametrize('subset', ['ss', 'ms'])
def test_vpo_items_equal_the_release(tmp_path, tool, subset):
    raw = make_vpo_raw_release(str(tmp_path), subset=subset)
    root = raw['vpo_root']
    audio_dir = osp.join(root, 'audios')
    assert tool.main([
        root, '--subset', subset, '--coco-root', raw['coco_root'],
        '--vggsound-root', raw['vggsound_root'], '--audio-dir', audio_dir,
        '--workers', '0', '--no-progress'
    ]) == 0
    items = _read(root, audio_dir, subset)
    assert len(items) == len(raw['records'])
    for item, rec in zip(items, raw['records']):
        # the COCO file, byte for byte, at the path VPODataset reads
        coco = osp.join(raw['coco_root'],
                        'train2017' if rec['split'] == 'train' else
                        'val2017', f'{rec["img_id"]:012d}.jpg')
        assert open(item['frame_paths'][0], 'rb').read() == open(
            coco, 'rb').read()
        assert item['gt_masks'][0].shape == rec['mask'].shape
        # the VGGSound audio at 16 kHz: the sum of the item's sources
        # (centre 3 s), within the resampling tolerance (44.1 kHz video)
        ref = sum(raw['audio'][r['vgg_file']] for r in rec['rows'])
        n = int(3 * 16000)
        start = ref.shape[-1] // 2 - n // 2
        ref = ref[start:start + n]
        err = item['audio'][0] - ref
        assert np.abs(err).max() < 3e-3
        assert np.mean(err**2) <= 1e-4 * np.mean(ref**2)  # >= 40 dB SNR
    # the converted wav files: 16 kHz mono
    wav = osp.join(audio_dir, raw['records'][0]['rows'][0]['vgg_file'] +
                   '.wav')
    assert load_audio(wav, mono=False)[0].shape[0] == 1
    assert load_audio(wav)[1] == 16000


def test_missing_sources_are_reported(tmp_path, tool, checker):
    raw = make_vpo_raw_release(str(tmp_path), subset='ss')
    root = raw['vpo_root']
    rec_img, rec_audio = raw['records'][0], raw['records'][1]
    os.remove(
        osp.join(raw['coco_root'], 'train2017',
                 f'{rec_img["img_id"]:012d}.jpg'))
    gone = rec_audio['rows'][0]['vgg_file']
    os.remove(osp.join(raw['vggsound_root'], gone + '.mp4'))
    audio_dir = osp.join(root, 'audios')
    assert tool.main([
        root, '--coco-root', raw['coco_root'], '--vggsound-root',
        raw['vggsound_root'], '--audio-dir', audio_dir, '--workers', '0',
        '--no-progress'
    ]) == 0
    summary = json.load(open(osp.join(root, 'prepare_vpo_summary.json')))
    n = len(raw['records'])
    assert summary['counts']['total'] == 2 * n  # one image + one audio each
    assert summary['counts']['failed'] == 2
    assert summary['counts']['converted'] == 2 * n - 2
    reasons = {f['clip']: f['reason'] for f in summary['failed']}
    assert 'COCO image not found' in reasons[
        f'{rec_img["img_id"]}_{rec_img["ann_id"]}']
    assert 'video file not found: ' in reasons[gone]
    assert gone + '.mp4' in reasons[gone]
    # the checker reports both items (their rows are still in the CSV)
    out = str(tmp_path / 'report.json')
    opts = []
    for split in ('train', 'val', 'test'):
        opts += [
            f'{split}_dataloader.dataset.data_root={root}',
            f'{split}_dataloader.dataset.data_prefix.audio_path=audios'
        ]
    assert checker.main([
        'configs/_base_/datasets/vpo.py', '--out', out, '--cfg-options'
    ] + opts) == 1
    rep = json.load(open(out))
    missing = {
        e['clip']
        for s in rep['splits'] for e in s['errors'].get('missing_file', [])
    }
    assert missing == {
        f'{rec_img["img_id"]}_{rec_img["ann_id"]}',
        f'{rec_audio["img_id"]}_{rec_audio["ann_id"]}'
    }


def test_trim_a_whole_video(tmp_path, tool):
    sr = 16000
    t = np.arange(10 * sr) / sr
    wave = 0.3 * np.sin(2 * np.pi * (200 + 30 * t) * t)
    video = str(tmp_path / 'yt.mp4')
    write_video(
        video, [np.zeros((16, 16, 3), np.uint8)] * 10,
        1,
        audio=wave,
        sample_rate=sr,
        audio_codec='alac')
    dest = str(tmp_path / 'out' / 'yt_2000_5000.wav')
    job = ConversionJob(
        key='audios/yt_2000_5000',
        clip_id='yt_2000_5000',
        split='train',
        source=video,
        outputs=[dest],
        params=dict(
            kind='audio',
            source=video,
            start=2.0,
            duration=3.0,
            sample_rate=sr,
            version=1),
        extra=dict(kind='audio', dest=dest))
    assert tool.convert_item(job) == []
    out, rate = load_audio(dest)
    assert rate == sr and out.shape[0] == 3 * sr
    np.testing.assert_allclose(out, wave[2 * sr:5 * sr], atol=2e-4)
