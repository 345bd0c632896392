# Copyright (c) mmavs contributors. All rights reserved.
"""The AVSBench-Robust noise negative: level and distribution.

Definition (``negative_waveform``, ``RobustAVSDataset.noise_cfg``): white
noise, uniform in ``[-a, a]`` (default, ``a = 1``) or Gaussian with std
``a``, drawn at ``sample_rate`` (default: the audio loader's rate).

The official generator (AVSBench-Robust ``dataset_generation/
audio_processing.py``, ``generate_noise_audio``) draws
``np.random.uniform(-1, 1, 44100 * 5)`` and hands the float64 bytes to
pydub as 16-bit PCM (``sample_width=2``): the wav it writes holds, per drawn
value, three 16-bit words that are uniform over the int16 range and one
(sign and exponent) close to +-0.5, 20 s at 44.1 kHz, of which the feature
extractor reads the first 5 s. That is white noise too, 0.28 dB below
uniform ``[-1, 1]`` noise.
"""
import re

import numpy as np
import pytest
from mmengine.registry import init_default_scope
from scipy import stats

import mmavs  # noqa: F401
from mmavs.datasets import RobustAVSDataset
from mmavs.datasets.audio_features import waveform_to_vggish_examples
from mmavs.datasets.audio_io import AudioFileError
from mmavs.testing import make_s4_fixture, tone, write_wav

OFFICIAL_RATE = 44100


@pytest.fixture(autouse=True)
def _scope():
    init_default_scope('mmavs')


@pytest.fixture(scope='module')
def s4_root(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('noise_s4'))
    make_s4_fixture(root, split_sizes=dict(test=1), sample_rate=4000)
    return root


def _dataset(root, representation='vggish', **kwargs):
    return RobustAVSDataset(
        dict(
            type='AVSBenchS4Dataset',
            data_root=root,
            split='test',
            test_mode=True,
            pipeline=[
                dict(
                    type='LoadAVAudio',
                    representation=representation,
                    res_type='kaiser_fast'),
            ]), **kwargs)


def _noise_item(root, representation, **noise_cfg):
    ds = _dataset(
        root,
        representation,
        conditions=['noise'],
        noise_cfg=noise_cfg or None,
        seed=5)
    return ds.get_data_info(0)['negative_audio'], ds[0]['audio']


def _official_noise(seed, seconds=5.0):
    """What the official generator's wav holds, read as librosa reads it
    (int16 / 32768), first ``seconds``: float64 uniform(-1, 1) values whose
    bytes were written as 16-bit PCM."""
    values = np.random.default_rng(seed).uniform(-1, 1, int(OFFICIAL_RATE * 5))
    pcm = np.frombuffer(values.astype('<f8').tobytes(), dtype='<i2')
    return pcm[:int(OFFICIAL_RATE * seconds)] / 32768.0


def test_default_noise_is_uniform_white_noise_of_amplitude_1(s4_root):
    spec, audio = _noise_item(s4_root, 'waveform')
    assert spec['source'] == 'noise'
    assert spec['noise_distribution'] == 'uniform'
    assert spec['noise_amplitude'] == 1.0
    # no rate in the spec: the noise is drawn at the loader's rate (48 kHz
    # for waveform inputs), so no resampling: the input holds the draws
    assert spec['sample_rate'] is None
    x = audio.astype(np.float64)
    assert x.shape == (5, 48000)  # one second per frame
    drawn = np.random.default_rng(spec['noise_seed']).uniform(-1, 1, 5 * 48000)
    np.testing.assert_array_equal(audio, drawn.reshape(5, 48000).astype(
        np.float32))
    x = x.ravel()
    assert np.abs(x).max() <= 1.0 and x.min() < -0.999 and x.max() > 0.999
    assert abs(x.mean()) < 0.005
    assert x.var() == pytest.approx(1 / 3, rel=0.01)  # U(-1, 1): a^2 / 3
    assert stats.kstest(x, 'uniform', args=(-1.0, 2.0)).statistic < 0.005
    # white: no correlation between neighbouring samples
    for lag in (1, 2, 3, 4):
        assert abs(np.corrcoef(x[:-lag], x[lag:])[0, 1]) < 0.01


def test_gaussian_noise_has_std_amplitude(s4_root):
    spec, audio = _noise_item(
        s4_root, 'waveform', distribution='gaussian', amplitude=0.3)
    assert spec['noise_distribution'] == 'gaussian'
    x = audio.astype(np.float64).ravel()
    assert abs(x.mean()) < 0.003
    assert x.std() == pytest.approx(0.3, rel=0.01)
    assert stats.kstest(x, 'norm', args=(0.0, 0.3)).statistic < 0.005


def test_noise_at_the_official_rate_has_the_official_level(s4_root):
    """Through VGGish, noise generated at 44.1 kHz (as the official wav
    files) has the log-mel level of the official generator's noise."""
    _, audio = _noise_item(s4_root, 'vggish', sample_rate=OFFICIAL_RATE)
    ours = audio[:, 0].astype(np.float64)
    official = waveform_to_vggish_examples(
        _official_noise(seed=0), OFFICIAL_RATE, res_type='kaiser_fast')[:5]
    # the official noise is 0.28 dB quieter: log-magnitude 0.033 lower
    diff = ours.mean() - official.mean()
    assert diff == pytest.approx(-0.5 * np.log(0.3125 / (1 / 3)), abs=0.02)
    # the same spectrum shape (both white) in every mel band
    band = ours.mean(axis=(0, 1)) - official.mean(axis=(0, 1))
    assert np.abs(band - diff).max() < 0.1


def test_bad_negative_files_are_named(s4_root, tmp_path):
    template = str(tmp_path / 'neg' / '{clip_id}.wav')
    ds = _dataset(
        s4_root, conditions=['silence'], negative_files=dict(silence=template))
    path = template.format(clip_id=ds.get_data_info(0)['clip_id'])
    with pytest.raises(AudioFileError, match=f'not found: {re.escape(path)}'):
        ds[0]
    write_wav(path, np.zeros(0), 16000)
    with pytest.raises(AudioFileError, match=f'{re.escape(path)} is empty'):
        ds[0]


# ---------------------------------------------------------------------------
# LoadAVAudio follows the negative_audio spec of a clip dict (no wrapper)
# ---------------------------------------------------------------------------
def _clip(tmp_path, **extra):
    """A 5-frame clip dict whose own audio is a 440 Hz tone."""
    path = str(tmp_path / 'own.wav')
    write_wav(path, tone(440, 5.0, 8000), 8000)
    results = dict(
        clip_id='c0', num_frames=5, valid=[True] * 5, audio_path=path)
    results.update(extra)
    return results


def _load(results, **kwargs):
    from mmavs.datasets.transforms import LoadAVAudio
    kwargs.setdefault('res_type', 'kaiser_fast')
    return LoadAVAudio(**kwargs)(dict(results))['audio']


def test_silence_spec_gives_the_log_offset_everywhere(tmp_path):
    results = _clip(tmp_path, negative_audio=dict(source='silence'))
    audio = _load(results)
    assert audio.shape == (5, 1, 96, 64)
    # log(0 + 0.01): the VGGish log-mel of digital silence
    np.testing.assert_allclose(audio, np.log(0.01), rtol=1e-6)
    # the clip's own audio is untouched by the spec's absence
    assert not np.allclose(_load(_clip(tmp_path)), np.log(0.01))


def test_padding_frames_of_a_negative_stay_zero(tmp_path):
    results = _clip(
        tmp_path,
        negative_audio=dict(source='silence'),
        valid=[True, True, True, False, False])
    audio = _load(results)
    np.testing.assert_allclose(audio[:3], np.log(0.01), rtol=1e-6)
    assert not audio[3:].any()


def test_file_and_clip_specs_load_like_the_clips_own_audio(tmp_path):
    other = str(tmp_path / 'other.wav')
    write_wav(other, tone(1200, 5.0, 8000), 8000)
    as_own = _load(_clip(tmp_path, audio_path=other))
    for spec in (dict(source='file', path=other),
                 dict(source='clip', clip_id='c9', audio_path=other)):
        got = _load(_clip(tmp_path, negative_audio=spec))
        np.testing.assert_array_equal(got, as_own)
        assert not np.allclose(got, _load(_clip(tmp_path)))
    # waveform inputs: the other clip's crop / pan come with it
    pan = _load(
        _clip(
            tmp_path,
            negative_audio=dict(
                source='clip',
                audio_path=other,
                audio_crop_seconds=5.0,
                audio_pan=[0.25])),
        representation='waveform',
        sample_rate=8000)
    own = _load(
        _clip(tmp_path, audio_path=other), representation='waveform',
        sample_rate=8000)
    assert pan.shape == (5, 2, 8000)
    np.testing.assert_allclose(pan[:, 0], 0.75 * own, atol=1e-6)
    np.testing.assert_allclose(pan[:, 1], 0.25 * own, atol=1e-6)


def test_feature_inputs_of_negative_audio(tmp_path):
    import pickle

    import torch
    feats = {}
    for name, seed in (('own', 0), ('other', 1)):
        arr = np.random.default_rng(seed).standard_normal(
            (5, 1, 96, 64)).astype(np.float32)
        feats[name] = arr
        with open(tmp_path / f'{name}.pkl', 'wb') as f:
            pickle.dump(torch.from_numpy(arr), f)
    base = dict(
        clip_id='c0',
        num_frames=5,
        valid=[True] * 5,
        audio_feat_path=str(tmp_path / 'own.pkl'))
    # an off-screen clip lends its own feature file
    spec = dict(
        source='clip', audio_feat_path=str(tmp_path / 'other.pkl'))
    np.testing.assert_array_equal(
        _load(dict(base, negative_audio=spec), representation='feature'),
        feats['other'])
    # generated silence goes through the VGGish front-end of the files
    silence = _load(
        dict(base, negative_audio=dict(source='silence')),
        representation='feature')
    np.testing.assert_allclose(silence, np.log(0.01), rtol=1e-6)
    # a precomputed negative file replaces the clip's feature file
    fspec = dict(
        source='feature_file',
        path=str(tmp_path / 'other.pkl'),
        origin="negative_files['noise']")
    np.testing.assert_array_equal(
        _load(dict(base, negative_audio=fspec), representation='feature'),
        feats['other'])
    with pytest.raises(
            ValueError,
            match=r"negative_files\['noise'\] gives the feature file "
            r'.*other\.pkl.*representation is \'vggish\''):
        _load(_clip(tmp_path, negative_audio=fspec))
    # a clip whose feature file holds embeddings cannot take on-the-fly
    # log-mel negatives
    np.save(tmp_path / 'emb.npy', np.zeros((5, 128), np.float32))
    with pytest.raises(ValueError, match='precomputed negative files'):
        _load(
            dict(
                base,
                audio_feat_path=str(tmp_path / 'emb.npy'),
                negative_audio=dict(source='silence')),
            representation='feature')


def test_bad_specs_are_refused(tmp_path):
    with pytest.raises(ValueError, match="source must be 'silence'"):
        _load(_clip(tmp_path, negative_audio=dict(source='hum')))
    with pytest.raises(ValueError, match='feature_pipeline must be one of'):
        _load(
            _clip(
                tmp_path,
                negative_audio=dict(
                    source='silence', feature_pipeline='other')))
    with pytest.raises(ValueError, match="cannot feed representation="):
        _load(
            _clip(
                tmp_path,
                negative_audio=dict(
                    source='silence', feature_pipeline='librosa_official')),
            representation='waveform')
    with pytest.raises(KeyError, match='off-screen source clip c9 has no '
                       'audio_path'):
        _load(
            _clip(
                tmp_path,
                negative_audio=dict(source='clip', clip_id='c9')))
