# Copyright (c) mmavs contributors. All rights reserved.
"""The SynthAVS sound bank: categories the VGGish log-mel tells apart, pitch
levels that transpose, loudness, recordings."""
import numpy as np
import pytest

from mmavs.datasets.audio_features import vggish_examples, vggish_log_mel
from mmavs.synthavs.sounds import (SOUND_CATEGORIES, TARGET_RMS,
                                   ProceduralSoundBank, RecordingSoundBank,
                                   pitch_ratio)
from mmavs.testing import tone, write_wav

SR = 16000


def _peak_hz(wave, sr=SR):
    """Frequency of the largest magnitude of the spectrum (Hann window)."""
    spec = np.abs(np.fft.rfft(wave * np.hanning(len(wave))))
    return np.fft.rfftfreq(len(wave), 1 / sr)[np.argmax(spec)]


def test_pitch_ratio_is_a_fifth_per_level():
    # hand-written: three levels a fifth (7 semitones) apart around 1
    assert pitch_ratio(1, 3) == 1.0
    assert pitch_ratio(2, 3) == pytest.approx(2**(7 / 12))
    assert pitch_ratio(0, 3) == pytest.approx(2**(-7 / 12))
    assert pitch_ratio(0, 2) == pytest.approx(2**(-3.5 / 12))
    assert pitch_ratio(2, 3, detune=0.5) == pytest.approx(2**(7.5 / 12))
    with pytest.raises(ValueError, match='outside'):
        pitch_ratio(3, 3)


def test_at_least_eight_categories_that_vggish_log_mel_tells_apart():
    """1-nearest-neighbour (leave-one-out) on the mean and spread of the
    VGGish log-mel bands of one-second renderings at random pitch levels,
    detunes and loudness: categories and, within a category, pitch levels
    are recognised."""
    assert len(SOUND_CATEGORIES) >= 8
    bank = ProceduralSoundBank(len(SOUND_CATEGORIES))
    rng = np.random.default_rng(0)
    feats, cats, levels = [], [], []
    for c in range(len(SOUND_CATEGORIES)):
        for _ in range(24):
            level = int(rng.integers(3))
            wave, _ = bank.render(c, level, rng.uniform(-0.5, 0.5),
                                  rng.uniform(-6, 0), rng)
            log_mel = vggish_examples(
                vggish_log_mel(np.concatenate([wave, np.zeros(400)])))[0]
            feats.append(np.concatenate([log_mel.mean(0), log_mel.std(0)]))
            cats.append(c)
            levels.append(level)
    feats, cats, levels = map(np.array, (feats, cats, levels))
    dist = ((feats[:, None] - feats[None])**2).sum(-1)
    np.fill_diagonal(dist, np.inf)
    nearest = dist.argmin(1)
    assert (cats[nearest] == cats).mean() >= 0.95
    same = cats[nearest] == cats
    assert (levels[nearest][same] == levels[same]).mean() >= 0.9
    for c in range(len(SOUND_CATEGORIES)):  # no category is confused
        assert (cats[nearest][cats == c] == c).mean() >= 0.8, \
            SOUND_CATEGORIES[c][0]


@pytest.mark.parametrize('name,base_hz', [('vibrato_tone', 262.0),
                                          ('whistle', 1700.0)])
def test_pitch_levels_transpose_the_sound(name, base_hz):
    index = [n for n, _ in SOUND_CATEGORIES].index(name)
    bank = ProceduralSoundBank(len(SOUND_CATEGORIES))
    for level, ratio in enumerate((2**(-7 / 12), 1.0, 2**(7 / 12))):
        wave, rec = bank.render(index, level, 0.0, 0.0,
                                np.random.default_rng(level))
        assert rec['ratio'] == pytest.approx(ratio, abs=1e-5)
        # the vibrato (+-2.5 %) and wobble (+-1 %) blur the peak a little
        assert _peak_hz(wave) == pytest.approx(base_hz * ratio, rel=0.04)


def test_render_is_deterministic_and_at_its_loudness():
    bank = ProceduralSoundBank(8)
    for c in range(8):
        a, _ = bank.render(c, 1, 0.2, -3.0, np.random.default_rng(7))
        b, _ = bank.render(c, 1, 0.2, -3.0, np.random.default_rng(7))
        np.testing.assert_array_equal(a, b)
        assert a.shape == (SR, ) and a.dtype == np.float32
        rms = np.sqrt(np.mean(a.astype(np.float64)**2))
        assert rms == pytest.approx(TARGET_RMS * 10**(-3 / 20), rel=1e-4)
        # 10 ms fades: no click at the second's edges
        assert abs(a[0]) < 1e-6 and abs(a[-1]) < 1e-3
    with pytest.raises(ValueError, match='--sound-dir'):
        ProceduralSoundBank(len(SOUND_CATEGORIES) + 1)


def test_recording_bank_transposes_real_audio(tmp_path):
    paths = []
    for k, hz in enumerate((440.0, 620.0)):
        path = str(tmp_path / f'rec{k}.wav')
        write_wav(path, tone(hz, 3.0, 44100, channels=2), 44100)
        paths.append(path)
    bank = RecordingSoundBank(paths, 2)
    assert bank.names == ['rec0', 'rec1']
    for level, ratio in enumerate((2**(-7 / 12), 1.0, 2**(7 / 12))):
        wave, rec = bank.render(0, level, 0.0, 0.0,
                                np.random.default_rng(level))
        assert 'start_sample' in rec
        assert _peak_hz(wave) == pytest.approx(440 * ratio, rel=0.01)
    with pytest.raises(ValueError, match='needs 3 recordings'):
        RecordingSoundBank(paths, 3)
    short = str(tmp_path / 'short.wav')
    write_wav(short, tone(440.0, 1.0, 16000), 16000)
    with pytest.raises(ValueError, match='shorter than 2 s'):
        RecordingSoundBank([short, paths[0]], 2)
