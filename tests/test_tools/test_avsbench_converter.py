# Copyright (c) mmavs contributors. All rights reserved.
"""tools/dataset_converters/avsbench.py: frames of the official rule, wav,
log-mel pickles, bad videos in the summary, resumable runs."""
import json
import os
import os.path as osp
import shutil

import cv2
import numpy as np
import pytest
import soundfile as sf

from mmavs.datasets.audio_features import waveform_to_vggish_examples
from mmavs.datasets.audio_io import load_audio_feature
from mmavs.datasets.layout_writers import S4_CSV, write_csv
from mmavs.datasets.video_io import write_video
from mmavs.testing import run_tool
from mmavs.testing.tools import load_tool_module

LOSSLESS = dict(
    video_options={'crf': '0'}, pix_fmt='yuv444p', audio_codec='alac')


@pytest.fixture(scope='module')
def tool():
    return load_tool_module('tools/dataset_converters/avsbench.py')


@pytest.fixture(scope='module')
def checker():
    return load_tool_module('tools/misc/check_dataset.py')


def test_official_frame_indices(tool):
    # int(l * r + 15 / 16 * r), r = round(fps): hand-computed
    assert tool.official_frame_indices(25, 5) == [23, 48, 73, 98, 123]
    assert tool.official_frame_indices(30, 5) == [28, 58, 88, 118, 148]
    assert tool.official_frame_indices(29.97, 2) == [28, 58]
    assert tool.official_frame_indices(24, 3) == [22, 46, 70]
    assert tool.official_frame_indices(10, 10)[-1] == 99
    with pytest.raises(ValueError, match='frame rate'):
        tool.official_frame_indices(0.2, 5)


def _index_frame(i: int, size=16) -> np.ndarray:
    """Frame ``i`` carries its index: red 4 (i % 64), green 4 (i // 64)."""
    frame = np.zeros((size, size, 3), np.uint8)
    frame[..., 0] = 4 * (i % 64)
    frame[..., 1] = 4 * (i // 64)
    return frame


def _decode_index(frame: np.ndarray) -> int:
    red = int(round(frame[..., 0].mean() / 4))
    green = int(round(frame[..., 1].mean() / 4))
    return red + 64 * green


def _one_clip_s4(root, name, seconds_video, fps, seconds_audio, sr=44100):
    """A one-row S4 CSV and its raw video (frames carry their index)."""
    write_csv(
        osp.join(root, S4_CSV), ('name', 'start', 'category', 'split'),
        [dict(name=name, start=0, category='dog_barking', split='test')])
    t = np.arange(int(seconds_audio * sr)) / sr
    wave = 0.3 * np.sin(2 * np.pi * 500 * t) * (1 + 0.5 * np.sin(3 * t))
    frames = [_index_frame(i) for i in range(int(seconds_video * fps))]
    write_video(
        osp.join(root, 'Single-source', 's4_data', 'raw_videos', 'test',
                 'dog_barking', name + '.mp4'),
        frames,
        fps,
        audio=wave,
        sample_rate=sr,
        **LOSSLESS)
    return wave


def test_frames_wav_and_log_mel_of_one_clip(tmp_path, tool):
    root = str(tmp_path)
    # 30 fps, 4.5 s of video (135 frames) and 3.5 s of audio: the frame of
    # second 5 (index 148) lies past the end, the audio is short
    _one_clip_s4(root, 'clipA', 4.5, 30, 3.5)
    assert tool.main([
        's4', root, '--frame-size', '0', '--workers', '0', '--log-mel',
        '--no-progress'
    ]) == 0
    base = osp.join(root, 'Single-source', 's4_data')
    frames = [
        cv2.imread(
            osp.join(base, 'visual_frames', 'test', 'dog_barking', 'clipA',
                     f'clipA_{i}.png'))[..., ::-1] for i in range(1, 6)
    ]
    # the last of 16 samples of each second at 30 fps; 148 -> last (134)
    assert [_decode_index(f) for f in frames] == [28, 58, 88, 118, 134]
    wav = osp.join(base, 'audio_wav', 'test', 'dog_barking', 'clipA.wav')
    data, sr = sf.read(wav, dtype='int16')
    info = sf.info(wav)
    assert (sr, info.channels, info.subtype) == (16000, 1, 'PCM_16')
    assert data.shape[0] == pytest.approx(3.5 * 16000, abs=2)
    # the official audio_log_mel: [5, 1, 96, 64] float32, 3 examples from
    # 3.5 s, the last repeated
    pkl = osp.join(base, 'audio_log_mel', 'test', 'dog_barking', 'clipA.pkl')
    feat = load_audio_feature(pkl)
    assert feat.shape == (5, 1, 96, 64) and feat.dtype == np.float32
    ref = waveform_to_vggish_examples(data / 32768.0, 16000)
    assert ref.shape[0] == 3
    np.testing.assert_array_equal(feat[:3, 0], ref)
    np.testing.assert_array_equal(feat[3, 0], ref[2])
    np.testing.assert_array_equal(feat[4, 0], ref[2])
    summary = json.load(open(osp.join(root, 'prepare_s4_summary.json')))
    assert summary['counts']['converted'] == 1
    notes = [w['message'] for w in summary['warnings']]
    assert any('[148] lie past the end' in n for n in notes), notes
    assert any('audio lasts 3.500 s, shorter' in n for n in notes), notes


# ---------------------------------------------------------------------------
# a small SynthAVS S4 raw release (lossless codecs), shared by the tests
# ---------------------------------------------------------------------------
@pytest.fixture(scope='module')
def raw_s4(tmp_path_factory):
    from mmavs.synthavs import generate_synthavs
    from mmavs.synthavs.raw_release import render_raw_release
    base = tmp_path_factory.mktemp('raw_s4')
    generate_synthavs(
        str(base / 'gen'),
        layouts=('s4', ),
        num_train=2,
        num_val=1,
        num_test=1,
        image_size=32,
        seed=5)
    render_raw_release(
        str(base / 'gen'),
        str(base / 'raw'),
        audio_codec='alac',
        video_options={'crf': '0'},
        pix_fmt='yuv444p')
    return str(base / 'raw')


def _clips(root):
    import csv
    with open(osp.join(root, S4_CSV)) as f:
        return [(r['name'], r['category'], r['split'])
                for r in csv.DictReader(f)]


def _video(root, clip):
    name, cat, split = clip
    return osp.join(root, 'Single-source', 's4_data', 'raw_videos', split,
                    cat, name + '.mp4')


def _outputs(root, clip):
    name, cat, split = clip
    base = osp.join(root, 'Single-source', 's4_data')
    return [
        osp.join(base, 'visual_frames', split, cat, name, f'{name}_{i}.png')
        for i in range(1, 6)
    ] + [osp.join(base, 'audio_wav', split, cat, name + '.wav')]


def _break(kind, path):
    if kind == 'truncated':
        data = open(path, 'rb').read()
        with open(path, 'wb') as f:
            f.write(data[:len(data) // 3])
    elif kind == 'no_audio':
        write_video(
            path, [np.zeros((32, 32, 3), np.uint8)] * 125,
            25,
            video_options={'crf': '0'})
    else:
        os.remove(path)


@pytest.mark.parametrize('kind,reason', [
    ('truncated', 'cannot read video file .*bad.*not truncated'),
    ('no_audio', 'has no audio stream'),
    ('missing', 'video file not found'),
])
def test_bad_video_is_reported_and_the_rest_converts(tmp_path, raw_s4, tool,
                                                     checker, kind, reason):
    root = str(tmp_path / 'bad')
    shutil.copytree(raw_s4, root)
    clips = _clips(root)
    bad = clips[1]
    video = _video(root, bad)
    _break(kind, video)
    csv_before = open(osp.join(root, S4_CSV), 'rb').read()
    assert tool.main(
        ['s4', root, '--frame-size', '0', '--workers', '0',
         '--no-progress']) == 0
    summary = json.load(open(osp.join(root, 'prepare_s4_summary.json')))
    assert summary['counts'] == dict(
        total=len(clips),
        converted=len(clips) - 1,
        skipped_already_done=0,
        failed=1)
    (fail, ) = summary['failed']
    assert fail['clip'] == bad[0] and fail['source'] == video
    import re
    assert re.search(reason.replace('bad', re.escape(bad[0])),
                     fail['reason']), fail['reason']
    # no half-written output, no marker; the others are complete
    assert not any(osp.exists(p) for p in _outputs(root, bad))
    assert not osp.exists(
        osp.join(root, '.mmavs_prepare', 's4', bad[2],
                 bad[0] + '.done.json'))
    for clip in clips:
        if clip != bad:
            assert all(osp.isfile(p) for p in _outputs(root, clip))
    # the CSV keeps the row; the checker reports the missing files
    assert open(osp.join(root, S4_CSV), 'rb').read() == csv_before
    report = str(tmp_path / 'report.json')
    opts = [
        f'{s}_dataloader.dataset.data_root={root}/'
        for s in ('train', 'val', 'test')
    ]
    assert checker.main([
        'configs/_base_/datasets/synthavs_s4.py', '--out', report,
        '--cfg-options'
    ] + opts) == 1
    rep = json.load(open(report))
    missing = [
        e['clip'] for s in rep['splits']
        for e in s['errors'].get('missing_file', [])
    ]
    assert bad[0] in missing
    assert set(missing) == {bad[0]}


@pytest.mark.slow
def test_resume_skips_done_clips_and_redoes_the_rest(tmp_path, raw_s4):
    root = str(tmp_path / 'resume')
    shutil.copytree(raw_s4, root)
    clips = _clips(root)
    args = [
        'tools/dataset_converters/avsbench.py', 's4', root, '--frame-size',
        '0', '--workers', '2', '--no-progress'
    ]
    run_tool(args)
    summary = osp.join(root, 'prepare_s4_summary.json')
    assert json.load(open(summary))['counts']['converted'] == len(clips)
    markers = {
        c: osp.join(root, '.mmavs_prepare', 's4', c[2], c[0] + '.done.json')
        for c in clips
    }
    for clip, marker in markers.items():
        # the marker is written after the outputs
        assert os.stat(marker).st_mtime_ns >= max(
            os.stat(p).st_mtime_ns for p in _outputs(root, clip))
    # an interrupted clip (outputs, no marker), a clip that lost a frame,
    # and an untouched one
    os.remove(markers[clips[0]])
    os.remove(_outputs(root, clips[1])[2])
    untouched = _outputs(root, clips[2])[0]
    mtime = os.stat(untouched).st_mtime_ns
    run_tool(args)
    counts = json.load(open(summary))['counts']
    assert counts['converted'] == 2
    assert counts['skipped_already_done'] == len(clips) - 2
    assert osp.isfile(markers[clips[0]])
    assert osp.isfile(_outputs(root, clips[1])[2])
    assert os.stat(untouched).st_mtime_ns == mtime
    # other parameters: the done markers do not count
    run_tool(args[:3] +
             ['--frame-size', '16', '--workers', '2', '--no-progress'])
    counts = json.load(open(summary))['counts']
    assert counts['converted'] == len(clips)
    frame = cv2.imread(_outputs(root, clips[2])[0])
    assert frame.shape == (16, 16, 3)
