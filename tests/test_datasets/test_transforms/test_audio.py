# Copyright (c) mmavs contributors. All rights reserved.
"""LoadAVAudio: representations and the length policy."""
import warnings

import numpy as np
import pytest

import mmavs  # noqa: F401
from mmavs.datasets.audio_features import waveform_to_vggish_examples
from mmavs.datasets.audio_io import AudioFileError, load_audio
from mmavs.datasets.transforms.audio import (AudioPaddingWarning,
                                             AudioTooShortError)
from mmavs.registry import TRANSFORMS
from mmavs.testing import tone, write_wav


def _clip(path, num_frames=5, valid=None, **extra):
    valid = [True] * num_frames if valid is None else valid
    return dict(
        clip_id='c0',
        num_frames=num_frames,
        valid=valid,
        audio_path=path,
        **extra)


def _build(**kwargs):
    return TRANSFORMS.build(dict(type='LoadAVAudio', **kwargs))


@pytest.fixture(scope='module')
def wavs(tmp_path_factory):
    d = tmp_path_factory.mktemp('wav')
    sr = 8000
    # distinct content per second so examples differ
    sig = lambda s: np.concatenate(  # noqa: E731
        [tone(200 + 150 * k, 1.0, sr) for k in range(s)])
    return dict(
        short=write_wav(str(d / 'short.wav'), sig(3), sr),
        exact=write_wav(str(d / 'exact.wav'), sig(5), sr),
        long=write_wav(str(d / 'long.wav'), sig(7), sr),
        stereo=write_wav(
            str(d / 'st.wav'), tone(300, 2.0, sr, channels=2), sr))


def test_vggish_exact_short_long(wavs):
    t = _build(representation='vggish')
    exact = t.transform(_clip(wavs['exact']))
    wave, sr = load_audio(wavs['exact'])
    ref = waveform_to_vggish_examples(wave, sr)
    assert exact['audio'].shape == (5, 1, 96, 64)
    np.testing.assert_array_equal(exact['audio'][:, 0], ref)
    assert exact['audio_representation'] == 'vggish'
    assert exact['audio_sample_rate'] == 16000
    repeat = _build(representation='vggish', pad_mode='repeat')
    with pytest.warns(AudioPaddingWarning):
        short = repeat.transform(_clip(wavs['short']))['audio']
    assert not np.allclose(short[1], short[2])
    for k in (3, 4):  # padded by repeating the last example
        np.testing.assert_array_equal(short[k], short[2])
    long = t.transform(_clip(wavs['long']))['audio']
    wave, sr = load_audio(wavs['long'])
    np.testing.assert_array_equal(long[:, 0],
                                  waveform_to_vggish_examples(wave, sr)[:5])
    with pytest.warns(AudioPaddingWarning):
        zero = _build(
            representation='vggish',
            pad_mode='zeros').transform(_clip(wavs['short']))['audio']
    np.testing.assert_array_equal(zero[:3], short[:3])
    assert not zero[3:].any()


def test_short_audio_is_an_error_by_default(wavs):
    # 3 s of audio for 5 frames of 1 s: 5 VGGish examples need
    # (400 + 160 * (5 * 96 - 1)) / 16000 = 4.815 s
    for rep, need in (('vggish', '4.815 s'), ('waveform', '5.000 s')):
        with pytest.raises(AudioTooShortError) as err:
            _build(representation=rep).transform(_clip(wavs['short']))
        message = str(err.value)
        assert 'clip c0' in message and wavs['short'] in message
        assert 'lasts 3.000 s' in message and f'needs {need}' in message
        assert "pad_mode='repeat' or 'zeros'" in message
    # a track long enough for its clip is not padded: no warning
    with warnings.catch_warnings():
        warnings.simplefilter('error', AudioPaddingWarning)
        _build(pad_mode='repeat').transform(_clip(wavs['exact']))


def test_each_padded_clip_is_counted_in_a_warning(wavs):
    t = _build(representation='waveform', pad_mode='repeat')
    with pytest.warns(AudioPaddingWarning) as record:
        t.transform(_clip(wavs['short']))
        t.transform(dict(_clip(wavs['short']), clip_id='c1'))
        t.transform(_clip(wavs['short']))  # c0 again: counted once
    messages = [
        str(w.message) for w in record
        if issubclass(w.category, AudioPaddingWarning)
    ]
    assert len(messages) == 2
    assert messages[0].startswith('clip c0:') and '1 clip(s) padded' in \
        messages[0]
    assert messages[1].startswith('clip c1:') and '2 clip(s) padded' in \
        messages[1]
    assert all(wavs['short'] in m and 'lasts 3.000 s' in m
               and "pad_mode='repeat'" in m for m in messages)
    assert t.num_padded_clips == 2
    with pytest.raises(ValueError, match='pad_mode must be one of'):
        _build(pad_mode='edge')


def test_padding_frames_get_zeros(wavs):
    valid = [True] * 5 + [False] * 5
    out = _build(representation='vggish').transform(
        _clip(wavs['exact'], num_frames=10, valid=valid))['audio']
    assert out.shape == (10, 1, 96, 64)
    assert np.abs(out[:5]).sum(axis=(1, 2, 3)).min() > 0
    assert not out[5:].any()


def test_waveform_windows_48k(wavs):
    t = _build(representation='waveform', pad_mode='repeat')
    with pytest.warns(AudioPaddingWarning):
        out = t.transform(_clip(wavs['short']))
    assert out['audio_sample_rate'] == 48000
    audio = out['audio']
    assert audio.shape == (5, 48000) and audio.dtype == np.float32
    wave, _ = load_audio(wavs['short'], sample_rate=48000)
    np.testing.assert_allclose(audio[1], wave[48000:96000], atol=1e-6)
    np.testing.assert_array_equal(audio[4], audio[2])
    clap = _build(
        representation='waveform', max_len=480000,
        quantize=True).transform(_clip(wavs['exact'], 2))['audio']
    assert clap.shape == (2, 480000)
    np.testing.assert_array_equal(clap[0, :48000], clap[0, 48000:96000])
    assert np.all(np.abs(clap * 32767 - np.round(clap * 32767)) < 1e-3)
    # a stereo file is averaged to mono
    st = t.transform(_clip(wavs['stereo'], 2))['audio']
    ref, _ = load_audio(wavs['stereo'], sample_rate=48000)
    np.testing.assert_allclose(st[0], ref[:48000], atol=1e-6)


def test_feature_npy_and_errors(tmp_path, wavs):
    emb = np.arange(3 * 4, dtype=np.float32).reshape(3, 4)
    path = str(tmp_path / 'e.npy')
    np.save(path, emb)
    clip = dict(
        clip_id='c', num_frames=5, valid=[True] * 5, audio_feat_path=path)
    with pytest.raises(
            AudioTooShortError,
            match=r'e\.npy has 3 row\(s\), '
            'but the clip needs 5'):
        _build(representation='feature').transform(dict(clip))
    with pytest.warns(AudioPaddingWarning):
        out = _build(
            representation='feature',
            pad_mode='repeat').transform(clip)['audio']
    np.testing.assert_array_equal(out[:3], emb)
    np.testing.assert_array_equal(out[3], emb[2])
    with pytest.raises(KeyError, match='audio_feat_path'):
        _build(representation='feature').transform(_clip(wavs['exact']))
    with pytest.raises(ValueError, match='representation'):
        _build(representation='mfcc')
    with pytest.raises(ValueError, match='16000'):
        _build(representation='vggish', sample_rate=48000)
    with pytest.raises(AudioFileError, match='missing.wav'):
        _build().transform(_clip(str(tmp_path / 'missing.wav')))
    empty = str(tmp_path / 'empty.wav')
    write_wav(empty, np.zeros(0), 8000)
    with pytest.raises(AudioFileError, match='empty.wav.*empty'):
        _build().transform(_clip(empty))
    tiny = write_wav(str(tmp_path / 'tiny.wav'), tone(100, 0.5, 8000), 8000)
    with pytest.raises(AudioFileError, match='tiny.wav.*too short'):
        _build().transform(_clip(tiny))


@pytest.mark.parametrize('representation', ['vggish', 'waveform'])
def test_in_memory_waveform_equals_the_file(wavs, representation):
    """A waveform holding a file's samples (at its own rate, with its
    channels) gives the input the file gives: same mixing, resampling,
    framing and length policy."""
    import soundfile as sf
    t = _build(representation=representation, sample_rate=None)
    for name in ('exact', 'stereo'):
        data, sr = sf.read(wavs[name], dtype='float64', always_2d=True)
        num = 5 if name == 'exact' else 2
        from_file = t.transform(_clip(wavs[name], num_frames=num))['audio']
        clip = _clip(None, num_frames=num,
                     audio_waveform=(data.T, sr), audio_source='mem')
        del clip['audio_path']
        in_memory = t.transform(clip)['audio']
        np.testing.assert_array_equal(in_memory, from_file)
    short = dict(clip_id='c1', num_frames=5, valid=[True] * 5,
                 audio_waveform=(np.ones(8000), 8000), audio_source='my.mp4')
    with pytest.raises(AudioTooShortError, match=r'c1: audio my\.mp4'):
        _build(representation='waveform').transform(short)
    with pytest.raises(KeyError, match='audio_path'):
        t.transform(dict(clip_id='c2', num_frames=1, valid=[True]))
