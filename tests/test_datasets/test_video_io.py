# Copyright (c) mmavs contributors. All rights reserved.
"""Video I/O with PyAV: frames by index and time, audio, bad files."""
import os.path as osp

import numpy as np
import pytest

from mmavs.datasets.video_io import (MissingStreamError, VideoFileError,
                                     VideoNotFoundError, frames_at_times,
                                     probe_video, read_audio, read_frames,
                                     write_video)

#: Lossless H.264 (yuv444p, crf 0): decoded frames differ from the RGB input
#: only by the RGB <-> YUV rounding.
LOSSLESS = dict(video_options={'crf': '0'}, pix_fmt='yuv444p')


def index_frames(num: int, size=(16, 16)):
    """Frame ``i`` is flat grey ``4 i`` (i < 64; the YUV round trip moves
    a grey level by at most 2)."""
    return [np.full(size + (3, ), 4 * i, np.uint8) for i in range(num)]


def grey_index(frame: np.ndarray) -> int:
    return int(round(float(frame.mean()) / 4))


@pytest.fixture(scope='module')
def indexed_video(tmp_path_factory):
    path = str(tmp_path_factory.mktemp('video') / 'index.mp4')
    t = np.arange(16000 * 2) / 16000
    wave = 0.25 * np.sin(2 * np.pi * 330 * t)
    write_video(
        path,
        index_frames(50),
        25,
        audio=wave,
        sample_rate=16000,
        audio_codec='alac',
        **LOSSLESS)
    return path, wave


def test_probe(indexed_video):
    path, _ = indexed_video
    info = probe_video(path)
    assert (info.has_video, info.has_audio) == (True, True)
    assert (info.width, info.height, info.fps) == (16, 16, 25.0)
    assert info.num_frames == 50
    assert info.audio_sample_rate == 16000 and info.audio_channels == 1
    assert info.duration == pytest.approx(2.0, abs=0.05)


def test_read_frames_by_index_and_clamp(indexed_video):
    path, _ = indexed_video
    sel = read_frames(path, [23, 0, 48])
    assert [grey_index(f) for f in sel.frames] == [23, 0, 48]
    assert sel.indices == [23, 0, 48] and sel.clamped == []
    # past the end: the last frame (49), reported
    sel = read_frames(path, [10, 60])
    assert [grey_index(f) for f in sel.frames] == [10, 49]
    assert sel.indices == [10, 49] and sel.clamped == [60]
    assert sel.num_decoded == 50
    # counted from a start time: frame 0 is the one shown at 1 s
    sel = read_frames(path, [0, 3], start=1.0)
    assert [grey_index(f) for f in sel.frames] == [25, 28]


def test_frames_at_times(indexed_video):
    path, _ = indexed_video
    # the frame shown at t is the last one starting at or before t (40 ms)
    sel = frames_at_times(path, [0.0, 0.039, 0.04, 0.999, 1.5, 5.0])
    assert [grey_index(f) for f in sel.frames] == [0, 0, 1, 24, 37, 49]


def test_read_audio_lossless_same_rate_is_exact(indexed_video):
    path, wave = indexed_video
    samples, rate = read_audio(path, sample_format='s16')
    assert rate == 16000 and samples.dtype == np.int16
    assert samples.shape == (1, wave.size)
    # ALAC is lossless: the 16-bit PCM the encoder got, sample for sample
    # (float -> s16 by libswresample: round(x * 32768))
    expected = np.clip(np.round(wave * 32768), -32768, 32767)
    assert np.abs(samples[0].astype(np.int64) - expected).max() <= 1
    part, _ = read_audio(path, start=0.5, duration=0.25)
    np.testing.assert_allclose(
        part[0], wave[8000:12000], atol=2 / 32768, rtol=0)


def test_read_audio_resampled(tmp_path):
    path = str(tmp_path / 'a.mp4')
    sr = 44100
    t = np.arange(sr * 2) / sr
    wave = 0.3 * np.sin(2 * np.pi * 440 * t)
    write_video(
        path,
        index_frames(2),
        1,
        audio=np.stack([wave, wave]),
        sample_rate=sr,
        audio_codec='alac',
        **LOSSLESS)
    samples, rate = read_audio(path, sample_rate=16000)
    assert rate == 16000 and samples.shape[0] == 1
    assert samples.shape[1] == pytest.approx(32000, abs=2)
    ref = 0.3 * np.sin(2 * np.pi * 440 * np.arange(samples.shape[1]) / 16000)
    inner = slice(200, -200)  # filter edges
    assert np.abs(samples[0, inner] - ref[inner]).max() < 2e-3


def test_bad_files(tmp_path, indexed_video):
    path, _ = indexed_video
    missing = str(tmp_path / 'nope.mp4')
    with pytest.raises(VideoNotFoundError, match='nope.mp4'):
        read_frames(missing, [0])
    with pytest.raises(FileNotFoundError):
        probe_video(missing)
    empty = tmp_path / 'empty.mp4'
    empty.write_bytes(b'')
    with pytest.raises(VideoFileError, match='empty.mp4 is empty'):
        probe_video(str(empty))
    data = open(path, 'rb').read()
    cut = tmp_path / 'truncated.mp4'
    cut.write_bytes(data[:len(data) // 2])
    with pytest.raises(VideoFileError, match='truncated.mp4'):
        read_frames(str(cut), [0, 40])
    garbage = tmp_path / 'garbage.mp4'
    garbage.write_bytes(b'not a video' * 100)
    with pytest.raises(VideoFileError, match='garbage.mp4'):
        probe_video(str(garbage))
    silent = str(tmp_path / 'silent.mp4')
    write_video(silent, index_frames(3), 25)
    with pytest.raises(MissingStreamError, match='silent.mp4 has no audio'):
        read_audio(silent)
    assert not probe_video(silent).has_audio
    assert osp.isfile(silent)
