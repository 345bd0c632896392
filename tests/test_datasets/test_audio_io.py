# Copyright (c) mmavs contributors. All rights reserved.
"""Where audio comes from: loading any format, bad files, feature files,
and the generated negative signals."""
import pickle

import numpy as np
import pytest
import soundfile as sf
import torch

import mmavs  # noqa: F401
from mmavs.datasets.audio_io import (AudioFileError, load_audio,
                                     load_audio_feature, negative_waveform)
from mmavs.testing import tone, write_wav


def test_load_audio_any_format_rate_and_channels(tmp_path):
    stereo = tone(440, 1.2, 22050, channels=2)
    for ext in ('wav', 'flac', 'mp3'):
        path = str(tmp_path / f'a.{ext}')
        sf.write(path, stereo.T, 22050)
        wave, sr = load_audio(path, sample_rate=16000)
        assert sr == 16000 and wave.ndim == 1
        assert abs(len(wave) - int(1.2 * 16000)) <= 1200  # mp3 adds padding
        raw, raw_sr = load_audio(path, mono=False)
        assert raw.shape[0] == 2 and raw_sr == 22050
        np.testing.assert_allclose(
            load_audio(path)[0], raw.mean(axis=0), atol=1e-12)


@pytest.mark.parametrize('case', ['missing', 'garbage', 'empty'])
def test_load_audio_bad_files(tmp_path, case):
    path = str(tmp_path / 'bad.wav')
    if case == 'garbage':
        with open(path, 'wb') as f:
            f.write(b'RIFF\x00\x00\x00\x00WAVEnot audio')
    elif case == 'empty':
        sf.write(path, np.zeros(0), 16000, subtype='PCM_16')
    with pytest.raises(AudioFileError, match=r'bad\.wav'):
        load_audio(path)


def test_load_audio_feature_pkl_npy_and_errors(tmp_path):
    # the official pkl: torch.tensor(..., requires_grad=True)[:, None].float()
    examples = np.random.default_rng(1).standard_normal((4, 96, 64))
    tensor = torch.tensor(examples, requires_grad=True)[:, None, :, :].float()
    pkl = str(tmp_path / 'lm.pkl')
    with open(pkl, 'wb') as f:
        pickle.dump(tensor, f)
    loaded = load_audio_feature(pkl)
    assert loaded.shape == (4, 1, 96, 64) and loaded.dtype == np.float32
    np.testing.assert_allclose(loaded[:, 0], examples, atol=1e-6)
    npy = str(tmp_path / 'emb.npy')
    np.save(npy, np.ones((3, 128)))
    assert load_audio_feature(npy).shape == (3, 128)
    # a pickle naming any other callable is refused
    evil = str(tmp_path / 'evil.pkl')
    with open(evil, 'wb') as f:
        pickle.dump(print, f)
    with pytest.raises(AudioFileError, match='evil.pkl'):
        load_audio_feature(evil)
    with pytest.raises(AudioFileError, match='not found.*nope.npy'):
        load_audio_feature(str(tmp_path / 'nope.npy'))
    np.save(str(tmp_path / 'empty.npy'), np.zeros((0, 128)))
    with pytest.raises(AudioFileError, match=r'empty\.npy is empty'):
        load_audio_feature(str(tmp_path / 'empty.npy'))


def test_write_wav_roundtrip(tmp_path):
    wave = tone(100, 0.5, 8000)
    path = write_wav(str(tmp_path / 'x' / 't.wav'), wave, 8000)
    back, sr = load_audio(path)
    assert sr == 8000
    np.testing.assert_allclose(back, wave, atol=1 / 32768)


def test_negative_waveform_sources(tmp_path):
    """Silence is zeros, noise the seeded draws of the named distribution
    (written out here with numpy), a file its mono samples at its rate."""
    wave, sr = negative_waveform(
        dict(source='silence', sample_rate=8000), seconds=1.5)
    assert sr == 8000 and wave.shape == (12000, ) and not wave.any()
    spec = dict(
        source='noise',
        sample_rate=1000,
        noise_seed=7,
        noise_amplitude=0.5,
        noise_distribution='uniform')
    wave, sr = negative_waveform(spec, seconds=2.0)
    assert sr == 1000
    np.testing.assert_array_equal(
        wave,
        np.random.default_rng(7).uniform(-0.5, 0.5, 2000))
    wave, _ = negative_waveform(
        dict(spec, noise_distribution='gaussian'), seconds=2.0)
    np.testing.assert_array_equal(
        wave,
        np.random.default_rng(7).normal(0.0, 0.5, 2000))
    # a spec without amplitude / distribution: uniform in [-1, 1]
    wave, _ = negative_waveform(
        dict(source='noise', sample_rate=1000, noise_seed=3), seconds=1.0)
    np.testing.assert_array_equal(
        wave,
        np.random.default_rng(3).uniform(-1.0, 1.0, 1000))
    stereo = tone(300, 1.0, 4000, channels=2)
    path = write_wav(str(tmp_path / 'rec.wav'), stereo, 4000)
    wave, sr = negative_waveform(dict(source='file', path=path), seconds=9.0)
    assert sr == 4000 and wave.ndim == 1 and wave.shape[0] == 4000
    np.testing.assert_array_equal(
        wave,
        sf.read(path, dtype='float64')[0].mean(axis=1))
    with pytest.raises(ValueError, match='noise_distribution'):
        negative_waveform(dict(spec, noise_distribution='pink'), 1.0)
    with pytest.raises(ValueError, match="'silence', 'noise' or 'file'"):
        negative_waveform(dict(source='hum', sample_rate=1000), 1.0)
