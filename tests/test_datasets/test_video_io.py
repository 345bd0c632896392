# Copyright (c) mmavs contributors. All rights reserved.
"""Video I/O with PyAV: probing, frames by index and time, audio tracks,
writing, and every bad video input."""
import os.path as osp
from fractions import Fraction

import av
import numpy as np
import pytest

from mmavs.apis import FrameSource, VideoSource
from mmavs.datasets.video_io import (AudioShorterThanVideoError,
                                     EmptyVideoError, NoAudioStreamError,
                                     VideoInputError, VideoNotFoundError,
                                     VideoReadError, VideoWriter,
                                     frames_at_times, iter_video_frames,
                                     probe_video, read_audio,
                                     read_audio_track, read_frames,
                                     write_video)
from mmavs.testing import write_test_video

SR = 16000


def _frames(num, size=(24, 32), seed=0):
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 256, size + (3, ), dtype=np.uint8)
            for _ in range(num)]


def _smooth_frames(num, size=32):
    yy, xx = np.mgrid[0:size, 0:size]
    return [
        np.stack([(xx * 6 + 20 * i) % 256, yy * 6,
                  np.full_like(xx, 100)], -1).astype(np.uint8)
        for i in range(num)
    ]


def _wave(seconds, seed=1):
    rng = np.random.default_rng(seed)
    # a 16-bit wav's samples: int16 / 32768
    return rng.integers(-16000, 16000, int(seconds * SR)) / 32768.0


def test_lossless_round_trip_is_exact(tmp_path):
    frames, wave = _frames(8), _wave(2)
    path = write_test_video(str(tmp_path / 'v.mp4'), frames, 4, wave, SR)
    info = probe_video(path)
    assert info.timeline.times.tolist() == [i / 4 for i in range(8)]
    assert info.duration == 2 and info.fps == 4
    assert (info.width, info.height) == (32, 24)
    assert (info.audio_rate, info.audio_channels) == (SR, 1)
    got = list(iter_video_frames(info, [1, 4, 7]))
    assert [i for i, _ in got] == [1, 4, 7]
    for i, frame in got:
        np.testing.assert_array_equal(frame, frames[i])
    audio, rate = read_audio_track(info)
    assert rate == SR
    np.testing.assert_array_equal(audio, wave[None])


def test_writer_encodes_playable_h264_aac_in_sync(tmp_path):
    frames = _smooth_frames(12)
    t = np.arange(3 * SR) / SR
    wave = 0.5 * np.sin(2 * np.pi * 440 * t) * (t % 1 < 0.5)  # bursts
    out = str(tmp_path / 'out.mp4')
    with VideoWriter(out, 32, 32, Fraction(1, 4), 4, audio_rate=SR) as w:
        w.write_audio(wave, SR)
        for i, f in enumerate(frames):
            w.write_frame(f, i)
    container = av.open(out)
    assert container.streams.video[0].codec_context.name == 'h264'
    assert container.streams.audio[0].codec_context.name == 'aac'
    container.close()
    info = probe_video(out)
    assert info.num_frames == 12 and info.duration == 3
    decoded = [f for _, f in iter_video_frames(info, range(12))]
    err = np.mean([np.abs(d.astype(int) - f).mean()
                   for d, f in zip(decoded, frames)])
    assert err < 4  # lossy H.264 of a smooth picture
    audio, _ = read_audio_track(info)
    ref = wave[:3 * SR - 2048]
    lags = range(-64, 65)
    score = [np.dot(audio[0, max(k, 0):max(k, 0) + len(ref) - 64],
                    ref[max(-k, 0):max(-k, 0) + len(ref) - 64]) for k in lags]
    assert lags[int(np.argmax(score))] == 0  # priming samples skipped
    assert np.corrcoef(audio[0, :len(ref)], ref)[0, 1] > 0.95


def test_writer_copies_the_source_audio_unchanged(tmp_path):
    frames = _smooth_frames(8)
    src = write_test_video(
        str(tmp_path / 'src.mp4'), frames, 4, _wave(2), SR, lossless=False)
    info = probe_video(src)
    out = str(tmp_path / 'copy.mp4')
    with VideoWriter(out, 32, 32, info.timeline.time_base, info.fps,
                     audio_from=src) as w:
        for i, f in iter_video_frames(info, range(8)):
            w.write_frame(f, int(info.timeline.ticks[i]) + info.start_pts)
    a, _ = read_audio_track(info)
    b, _ = read_audio_track(probe_video(out))
    np.testing.assert_array_equal(a, b)  # same AAC packets, same samples


def test_video_without_audio_stream(tmp_path):
    path = write_test_video(str(tmp_path / 'mute.mp4'), _frames(4), 4)
    with pytest.raises(NoAudioStreamError, match=r'mute\.mp4 has no audio'):
        VideoSource(path)
    assert probe_video(path, require_audio=False).num_frames == 4


def test_unreadable_and_truncated_containers(tmp_path):
    garbage = tmp_path / 'garbage.mp4'
    garbage.write_bytes(b'not a video ' * 100)
    with pytest.raises(VideoReadError, match=r'garbage\.mp4.*expected a '):
        VideoSource(str(garbage))
    with pytest.raises(VideoReadError, match='not found'):
        VideoSource(str(tmp_path / 'missing.mp4'))
    full = write_test_video(str(tmp_path / 'full.mp4'), _frames(20), 4,
                            _wave(5), SR)
    data = open(full, 'rb').read()
    cut = tmp_path / 'cut.mp4'  # the index (moov) is at the end: lost
    cut.write_bytes(data[:len(data) // 2])
    with pytest.raises(VideoReadError, match=r'cut\.mp4'):
        VideoSource(str(cut))
    # an index at the start that lists more frames than the file holds
    container = av.open(
        str(tmp_path / 'fast.mp4'), 'w', options={'movflags': 'faststart'})
    stream = container.add_stream('libx264', rate=4)
    stream.width = stream.height = 32
    for f in _frames(40, (32, 32)):
        for packet in stream.encode(av.VideoFrame.from_ndarray(f)):
            container.mux(packet)
    for packet in stream.encode(None):
        container.mux(packet)
    container.close()
    data = open(tmp_path / 'fast.mp4', 'rb').read()
    (tmp_path / 'fast_cut.mp4').write_bytes(data[:len(data) // 2])
    with pytest.raises(VideoReadError,
                       match=r'fast_cut\.mp4 is truncated.*40 video frames'):
        probe_video(str(tmp_path / 'fast_cut.mp4'), require_audio=False)


def test_zero_length_videos(tmp_path):
    empty = tmp_path / 'empty.mp4'
    empty.write_bytes(b'')
    with pytest.raises(EmptyVideoError, match=r'empty\.mp4 is empty'):
        VideoSource(str(empty))
    # a container with a video stream that holds no frame (MKV keeps it)
    path = str(tmp_path / 'zero.mkv')
    container = av.open(path, 'w')
    video = container.add_stream('libx264', rate=4)
    video.width = video.height = 32
    audio = container.add_stream('aac', rate=SR)
    audio.layout = 'mono'
    frame = av.AudioFrame.from_ndarray(
        np.zeros((1, SR), np.float32), format='fltp', layout='mono')
    frame.sample_rate, frame.pts = SR, 0
    frame.time_base = Fraction(1, SR)
    for packet in list(audio.encode(frame)) + list(audio.encode(None)):
        container.mux(packet)
    for packet in video.encode(None):
        container.mux(packet)
    container.close()
    with pytest.raises(EmptyVideoError, match=r'zero\.mkv holds no video'):
        VideoSource(path)


def test_audio_shorter_than_the_video(tmp_path):
    path = write_test_video(str(tmp_path / 'short_audio.mp4'), _frames(20),
                            4, _wave(2), SR)
    with pytest.raises(AudioShorterThanVideoError,
                       match=r'short_audio\.mp4.*2\.000 s.*5\.000 s'):
        VideoSource(path)
    # a frame folder with a wav that ends early
    import soundfile as sf
    wav = str(tmp_path / 'short.wav')
    sf.write(wav, _wave(3), SR, subtype='PCM_16')
    with pytest.raises(AudioShorterThanVideoError, match=r'short\.wav'):
        FrameSource(np.stack(_frames(5)), wav, fps=1)
    # shorter by less than one frame is accepted (codec padding)
    ok = FrameSource(np.stack(_frames(5)), (_wave(4.5), SR), fps=1)
    assert ok.audio.shape == (1, int(4.5 * SR))


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
    assert info.has_audio
    assert (info.width, info.height, info.fps) == (16, 16, 25.0)
    assert info.num_frames == 50 and info.duration == 2
    assert info.audio_rate == 16000 and info.audio_channels == 1
    np.testing.assert_allclose(info.frame_times, np.arange(50) / 25)


def test_read_frames_by_index_and_clamp(indexed_video):
    path, _ = indexed_video
    sel = read_frames(path, [23, 0, 48])
    assert [grey_index(f) for f in sel.frames] == [23, 0, 48]
    assert sel.indices == [23, 0, 48] and sel.clamped == []
    # past the end: the last frame (49), reported
    sel = read_frames(path, [10, 60])
    assert [grey_index(f) for f in sel.frames] == [10, 49]
    assert sel.indices == [10, 49] and sel.clamped == [60]
    assert sel.num_available == 50
    # counted from a start time: frame 0 is the one shown at 1 s
    sel = read_frames(path, [0, 3], start=1.0)
    assert [grey_index(f) for f in sel.frames] == [25, 28]
    assert sel.num_available == 25
    # within half a frame period of the start counts as at the start
    sel = read_frames(path, [0], start=1.019)
    assert [grey_index(f) for f in sel.frames] == [25]
    with pytest.raises(EmptyVideoError, match=r'index\.mp4 has no frame '
                       'after 3 s'):
        read_frames(path, [0], start=3.0)


def test_frames_at_times(indexed_video):
    path, _ = indexed_video
    # the frame shown at t is the last one starting at or before t (40 ms)
    sel = frames_at_times(path, [0.0, 0.039, 0.04, 0.999, 1.5, 5.0])
    assert [grey_index(f) for f in sel.frames] == [0, 0, 1, 24, 37, 49]
    assert sel.indices == [0, 0, 1, 24, 37, 49] and sel.clamped == []
    sel = frames_at_times(path, [-1.0, 0.5])
    assert sel.indices == [0, 12] and sel.clamped == [0]


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
    with pytest.raises(VideoInputError, match='empty.mp4 is empty'):
        probe_video(str(empty))
    data = open(path, 'rb').read()
    cut = tmp_path / 'truncated.mp4'
    cut.write_bytes(data[:len(data) // 2])
    with pytest.raises(VideoInputError, match='truncated.mp4'):
        read_frames(str(cut), [0, 40])
    garbage = tmp_path / 'garbage.mp4'
    garbage.write_bytes(b'not a video' * 100)
    with pytest.raises(VideoInputError, match='garbage.mp4'):
        probe_video(str(garbage))
    silent = str(tmp_path / 'silent.mp4')
    write_video(silent, index_frames(3), 25)
    with pytest.raises(NoAudioStreamError, match='silent.mp4 has no audio'):
        read_audio(silent)
    assert not probe_video(silent, require_audio=False).has_audio
    assert osp.isfile(silent)
