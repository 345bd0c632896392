# Copyright (c) mmavs contributors. All rights reserved.
"""SynthAVS rendered as a raw release (mp4 with audio tracks), converted by
tools/dataset_converters/avsbench.py and checked by
tools/misc/check_dataset.py: the dataset classes then read clips equal to
the generated ones.

Tolerances (the raw videos use lossless codecs, H.264 yuv444p crf 0 and
ALAC at 44.1 kHz, so what remains is the conversion itself):

- frames (S4/MS3 PNG): at most 3 grey levels per pixel and 1 on average
  (RGB -> YUV -> RGB rounding);
- frames (AVSS JPEG, written again by the converter at quality 95 with
  full chroma, as the generated ones): mean absolute difference at most 3
  grey levels (with the default 4:2:0 chroma subsampling it reaches 5.3 on
  these 32-pixel textured frames);
- every converted frame is at least 1.5 times closer (mean absolute
  difference) to its own generated frame than to the next second's, so a
  frame from the wrong second fails (the exact frame indices are checked
  in test_avsbench_converter.py);
- masks: identical;
- audio (16 kHz -> 44.1 kHz in the video -> 16 kHz, libswresample's
  filters and 16-bit rounding twice): a signal-to-error ratio of at least
  40 dB (measured 48-57 dB), and below 7 kHz (the error low-passed by a
  zero-phase 8th-order Butterworth filter) at most 1e-3 per sample
  (measured <= 5e-4); the rest of the error lies in the resamplers'
  transition band just below 8 kHz (up to 5e-3 per sample at clicks).
"""
import json
import os.path as osp

import numpy as np
import pytest
from scipy.signal import butter, sosfiltfilt

from mmavs.testing import data_root_options, run_tool

pytestmark = pytest.mark.slow

#: Below 7 kHz, at 16 kHz.
LOW_PASS = butter(8, 7000, fs=16000, output='sos')

LAYOUTS = dict(
    s4=('Single-source', '', 'configs/_base_/datasets/synthavs_s4.py'),
    ms3=('Multi-sources', '', 'configs/_base_/datasets/synthavs_ms3.py'),
    avss=('AVSS', 'AVSS', 'configs/_base_/datasets/synthavs_avss.py'))


@pytest.fixture(scope='module')
def trees(tmp_path_factory):
    from mmavs.synthavs import generate_synthavs
    from mmavs.synthavs.raw_release import render_raw_release
    base = tmp_path_factory.mktemp('roundtrip')
    gen, raw = str(base / 'gen'), str(base / 'raw')
    generate_synthavs(
        gen, num_train=3, num_val=2, num_test=2, image_size=32, seed=11)
    counts = render_raw_release(
        gen,
        raw,
        audio_codec='alac',
        video_options={'crf': '0'},
        pix_fmt='yuv444p')
    assert counts == dict(s4=7, ms3=7, avss=7)
    # the raw release holds videos, CSVs and masks only
    assert not osp.exists(osp.join(raw, 'Single-source', 's4_data',
                                   'visual_frames'))
    assert not osp.exists(
        osp.join(raw, 'Multi-sources', 'ms3_data', 'audio_wav'))
    for task, (_, sub, _) in LAYOUTS.items():
        run_tool([
            'tools/dataset_converters/avsbench.py', task,
            osp.join(raw, sub), '--frame-size', '0', '--workers', '2',
            '--no-progress'
        ] + (['--log-mel'] if task != 'avss' else
             ['--jpeg-subsampling', '444']))
    return gen, raw


def _datasets(task, gen, raw, split):
    from mmengine.registry import init_default_scope

    from mmavs.datasets import (AVSBenchMS3Dataset, AVSBenchS4Dataset,
                                AVSSDataset)
    init_default_scope('mmavs')
    pipeline = [
        dict(type='LoadAVFrames'),
        dict(type='LoadAVAnnotations'),
        dict(type='LoadAVAudio', representation='waveform',
             sample_rate=16000)
    ]
    cls = dict(
        s4=AVSBenchS4Dataset, ms3=AVSBenchMS3Dataset, avss=AVSSDataset)[task]
    sub = LAYOUTS[task][1]
    kwargs = dict(split=split, pipeline=pipeline)
    if task == 'avss':  # the 8 SynthAVS categories + background
        kwargs['metainfo'] = dict(
            classes=('background', ) + tuple(f'c{k}' for k in range(8)))
    return (cls(data_root=osp.join(gen, sub), **kwargs),
            cls(data_root=osp.join(raw, sub), **kwargs))


@pytest.mark.parametrize('task', list(LAYOUTS))
def test_converted_clips_equal_generated(trees, task):
    gen, raw = trees
    for split in ('train', 'val', 'test'):
        ref_ds, conv_ds = _datasets(task, gen, raw, split)
        assert len(ref_ds) == len(conv_ds) > 0
        for idx in range(len(ref_ds)):
            ref, conv = ref_ds[idx], conv_ds[idx]
            assert ref['clip_id'] == conv['clip_id']
            valid = np.flatnonzero(ref['valid'])
            for t in valid:
                a = ref['frames'][t].astype(np.int64)
                b = conv['frames'][t].astype(np.int64)
                diff = np.abs(a - b)
                if task == 'avss':
                    assert diff.mean() <= 3.0, (ref["clip_id"], t)
                else:
                    assert diff.max() <= 3 and diff.mean() <= 1.0, (
                        ref['clip_id'], t, diff.max(), diff.mean())
                if t + 1 in valid:
                    other = ref['frames'][t + 1].astype(np.int64)
                    if not np.array_equal(other, a):
                        assert np.abs(other - b).mean() > 1.5 * diff.mean()
            for m_ref, m_conv in zip(ref['gt_masks'], conv['gt_masks']):
                np.testing.assert_array_equal(m_ref, m_conv)
            err = (conv['audio'] - ref['audio']).astype(np.float64)
            power = np.mean(ref['audio'].astype(np.float64)**2)
            assert 10 * np.log10(power / np.mean(err**2)) >= 40
            in_band = sosfiltfilt(LOW_PASS, err.reshape(-1))
            assert np.abs(in_band).max() <= 1e-3, ref['clip_id']


@pytest.mark.parametrize('task', list(LAYOUTS))
def test_checker_passes_on_the_converted_tree(trees, task, tmp_path):
    _, raw = trees
    layout_dir, sub, config = LAYOUTS[task]
    report = str(tmp_path / 'report.json')
    proc = run_tool(
        ['tools/misc/check_dataset.py', config, '--out', report,
         '--cfg-options'] + data_root_options(raw, sub),
        check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    rep = json.load(open(report))
    assert rep['errors'] == 0
    assert sum(s['clips'] for s in rep['splits']) == 7
    # and the log-mel pickles of s4/ms3 are the official [5, 1, 96, 64]
    if task != 'avss':
        from mmavs.datasets.audio_io import load_audio_feature
        summary = json.load(
            open(osp.join(raw, f'prepare_{task}_summary.json')))
        assert summary['counts']['failed'] == 0
        import glob
        pkls = glob.glob(
            osp.join(raw, layout_dir, f'{task}_data', 'audio_log_mel', '**',
                     '*.pkl'),
            recursive=True)
        assert len(pkls) == 7
        assert load_audio_feature(pkls[0]).shape == (5, 1, 96, 64)
