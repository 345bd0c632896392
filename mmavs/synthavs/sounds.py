# Copyright (c) mmavs contributors. All rights reserved.
"""The SynthAVS sound bank: what every category sounds like, per second.

Every second of a SynthAVS clip is rendered anew for each category heard in
it, from three **per-second attributes** drawn by the scene model
(:mod:`mmavs.synthavs.scene`):

- ``level`` (int in ``[0, num_levels)``): the **pitch level**. It sets a
  frequency ratio ``2 ** ((level - (num_levels - 1) / 2) * PITCH_STEP / 12)``
  (default: three levels a fifth apart, x0.67 / x1 / x1.5) that transposes
  the category's characteristic frequency (fundamental, band centre,
  resonance, sweep start). The visible sounding object shows the same level
  as its brightness; this is the audio-visual binding of SynthAVS.
- ``detune`` (semitones, within +-0.5): a fine pitch jitter inside the level.
- ``gain_db``: the loudness of the second (a nuisance, bound to nothing).

:class:`ProceduralSoundBank` (the default) synthesises the categories of
:data:`SOUND_CATEGORIES` from the random stream it is given, so a clip's
audio depends only on the seed; nothing is read from disk. The categories
differ in spectral envelope and temporal structure (harmonic tone with
vibrato, noise bursts, chirps, amplitude-modulated hum, click train,
whistle, struck bell, tom drum, hiss, trill), which the VGGish log-mel front
end tells apart (see ``tests/test_synthavs/test_sounds.py``).

:class:`RecordingSoundBank` uses real recordings instead (one category per
file of a folder, ``make_synthavs.py --sound-dir DIR``): a second is a
random loud one-second crop, transposed by the pitch level (played
``ratio`` times faster: linear interpolation of ``ratio`` seconds of the
recording onto one second).

Both return one second at ``TARGET_RMS * 10 ** (gain_db / 20)`` RMS.
"""
import functools
import os
import os.path as osp
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

__all__ = [
    'SOUND_CATEGORIES', 'PITCH_STEP', 'TARGET_RMS', 'pitch_ratio',
    'ProceduralSoundBank', 'RecordingSoundBank', 'recording_files',
    'build_sound_bank', 'sound_bank_identity'
]

#: Semitones between two pitch levels (a fifth).
PITCH_STEP = 7.0
#: RMS of a rendered second at 0 dB gain.
TARGET_RMS = 0.1
#: File types a ``--sound-dir`` folder may hold.
AUDIO_EXTS = ('.wav', '.flac', '.ogg', '.mp3', '.aif', '.aiff')


def pitch_ratio(level: int, num_levels: int, detune: float = 0.0) -> float:
    """Frequency ratio of a pitch level (1 at the middle level).

    Args:
        level (int): Pitch level in ``[0, num_levels)``.
        num_levels (int): Number of levels.
        detune (float): Extra semitones. Defaults to 0.

    Returns:
        float: ``2 ** (((level - (num_levels - 1) / 2) * PITCH_STEP +
        detune) / 12)``.
    """
    if not 0 <= int(level) < int(num_levels):
        raise ValueError(f'pitch level {level} outside [0, {num_levels})')
    semis = (int(level) - (int(num_levels) - 1) / 2) * PITCH_STEP + detune
    return float(2.0**(semis / 12.0))


# ---------------------------------------------------------------------------
# procedural categories: f(t, ratio, rng) -> one second of audio
# ---------------------------------------------------------------------------
def _phase(freq: np.ndarray, sr: int) -> np.ndarray:
    """Phase of an oscillator with instantaneous frequency ``freq``."""
    return 2 * np.pi * np.cumsum(freq) / sr


def _envelope_hits(n: int,
                   sr: int,
                   onsets: Sequence[float],
                   tau: float,
                   attack: float = 0.002) -> np.ndarray:
    """Sum of exponentially decaying envelopes starting at ``onsets`` (s)."""
    t = np.arange(n) / sr
    env = np.zeros(n)
    for on in onsets:
        d = t - on
        hit = d >= 0
        env[hit] += np.minimum(d[hit] / attack, 1.0) * np.exp(-d[hit] / tau)
    return env


def _band_noise(n: int, sr: int, lo: float, hi: float,
                rng: np.random.Generator) -> np.ndarray:
    """White noise band-limited to ``[lo, hi]`` Hz (FFT mask)."""
    spec = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1 / sr)
    spec[(freqs < lo) | (freqs > hi)] = 0
    return np.fft.irfft(spec, n)


def _onsets(rng: np.random.Generator, rate: float, jitter: float) -> list:
    """Roughly periodic onsets in one second (random phase and jitter)."""
    period = 1.0 / rate
    first = rng.uniform(0, period)
    times = np.arange(first, 1.0, period)
    return list(times + rng.uniform(-jitter, jitter, len(times)) * period)


def _vibrato_tone(t, sr, ratio, rng):
    f0 = 262.0 * ratio
    vib = 1 + 0.025 * np.sin(2 * np.pi * rng.uniform(5, 7) * t +
                             rng.uniform(0, 2 * np.pi))
    ph = _phase(f0 * vib, sr)
    return sum(
        np.sin(h * ph + rng.uniform(0, 2 * np.pi)) / h for h in range(1, 7))


def _noise_burst(t, sr, ratio, rng):
    fc = 1000.0 * ratio
    noise = _band_noise(len(t), sr, fc / 1.5, fc * 1.5, rng)
    env = _envelope_hits(
        len(t), sr, _onsets(rng, rng.uniform(4, 6), 0.2), 0.04)
    return noise * env


def _chirp(t, sr, ratio, rng):
    f_lo, dur = 600.0 * ratio, 0.15
    out = np.zeros(len(t))
    for on in _onsets(rng, 4.0, 0.1):
        d = t - on
        seg = (d >= 0) & (d < dur)
        freq = f_lo * 2.0**(d[seg] / dur)  # one octave up per sweep
        win = np.sin(np.pi * d[seg] / dur)
        out[seg] += win * np.sin(_phase(freq, sr))
    return out


def _am_hum(t, sr, ratio, rng):
    f0 = 110.0 * ratio
    ph = 2 * np.pi * f0 * t
    tone = sum(
        np.sin(h * ph + rng.uniform(0, 2 * np.pi)) / h**0.7
        for h in range(1, 16))
    am = 1 - 0.9 * (0.5 + 0.5 * np.sin(2 * np.pi * rng.uniform(3, 5) * t +
                                       rng.uniform(0, 2 * np.pi)))
    return tone * am


def _click_train(t, sr, ratio, rng):
    f_res = 2500.0 * ratio
    env = _envelope_hits(
        len(t),
        sr,
        _onsets(rng, rng.uniform(12, 16), 0.05),
        0.003,
        attack=0.0003)
    return env * np.sin(2 * np.pi * f_res * t)


def _whistle(t, sr, ratio, rng):
    f = 1700.0 * ratio * (1 + 0.01 * np.sin(2 * np.pi * rng.uniform(1, 3) * t))
    return np.sin(_phase(f, sr))


def _bell(t, sr, ratio, rng):
    f0 = 520.0 * ratio
    env = _envelope_hits(len(t), sr, _onsets(rng, 2.0, 0.1), 0.25)
    partials = ((1.0, 1.0), (2.76, 0.6), (5.40, 0.4), (8.93, 0.25))
    return env * sum(a * np.sin(2 * np.pi * f0 * p * t + rng.uniform(0, 6))
                     for p, a in partials if f0 * p < 0.45 * sr)


def _drum(t, sr, ratio, rng):
    f_hi = 330.0 * ratio
    out = np.zeros(len(t))
    for on in _onsets(rng, rng.uniform(3, 4), 0.1):
        d = t - on
        seg = d >= 0
        freq = f_hi * (0.5 + 0.5 * np.exp(-d[seg] / 0.05))
        out[seg] += np.exp(-d[seg] / 0.12) * np.sin(_phase(freq, sr))
    return out


def _hiss(t, sr, ratio, rng):
    fc = 2600.0 * ratio
    flutter = 1 + 0.3 * np.sin(2 * np.pi * rng.uniform(0.5, 1.5) * t)
    return _band_noise(len(t), sr, fc / 1.4, min(fc * 1.4, 0.49 * sr),
                       rng) * flutter


def _trill(t, sr, ratio, rng):
    f = 900.0 * ratio
    rate = rng.uniform(10, 14)
    high = np.sin(2 * np.pi * rate * t) > 0
    ph = _phase(np.where(high, 1.26 * f, f), sr)
    return np.sin(ph) * (0.6 + 0.4 * np.abs(np.sin(2 * np.pi * rate * t)))


#: The procedural categories, in the order categories take them:
#: ``(name, synthesis function)``. The default SynthAVS uses the first 8.
SOUND_CATEGORIES: Tuple[Tuple[str, Callable], ...] = (
    ('vibrato_tone', _vibrato_tone),
    ('noise_burst', _noise_burst),
    ('chirp', _chirp),
    ('am_hum', _am_hum),
    ('click_train', _click_train),
    ('whistle', _whistle),
    ('bell', _bell),
    ('drum', _drum),
    ('hiss', _hiss),
    ('trill', _trill),
)


def _fade(sr: int) -> np.ndarray:
    """10 ms raised-cosine fade in and out over one second."""
    fade = np.ones(sr)
    n = sr // 100
    ramp = 0.5 - 0.5 * np.cos(np.pi * np.arange(n) / n)
    fade[:n], fade[-n:] = ramp, ramp[::-1]
    return fade


def _to_level(sig: np.ndarray, gain_db: float) -> np.ndarray:
    rms = float(np.sqrt(np.mean(sig.astype(np.float64)**2)))
    if rms <= 0:
        raise ValueError('a rendered SynthAVS second is all zeros')
    return (sig * (TARGET_RMS * 10.0**(gain_db / 20) / rms)).astype(np.float32)


class ProceduralSoundBank:
    """Synthesised categories (the default; nothing is read from disk).

    Args:
        num_categories (int): Categories used: the first ``num_categories``
            of :data:`SOUND_CATEGORIES`.
        sample_rate (int): Output rate. Defaults to 16000.
        num_levels (int): Pitch levels. Defaults to 3.
    """

    def __init__(self,
                 num_categories: int,
                 sample_rate: int = 16000,
                 num_levels: int = 3) -> None:
        if not 2 <= int(num_categories) <= len(SOUND_CATEGORIES):
            raise ValueError(
                f'the procedural SynthAVS sound bank has '
                f'{len(SOUND_CATEGORIES)} categories; num_categories must '
                f'be in [2, {len(SOUND_CATEGORIES)}], got {num_categories} '
                '(more categories need recordings: --sound-dir)')
        self.sample_rate = int(sample_rate)
        self.num_levels = int(num_levels)
        self._synths = [f for _, f in SOUND_CATEGORIES[:num_categories]]
        self.names = [n for n, _ in SOUND_CATEGORIES[:num_categories]]
        self._t = np.arange(self.sample_rate) / self.sample_rate
        self._fade = _fade(self.sample_rate)

    def render(self, index: int, level: int, detune: float, gain_db: float,
               rng: np.random.Generator) -> Tuple[np.ndarray, dict]:
        """One second of category ``index`` at a pitch level and gain.

        Args:
            index (int): Category index.
            level (int): Pitch level.
            detune (float): Semitones added to the level.
            gain_db (float): Loudness relative to :data:`TARGET_RMS`.
            rng (np.random.Generator): The clip's random stream (phases,
                onsets, noise).

        Returns:
            tuple[np.ndarray, dict]: ``(sample_rate,)`` float32 audio and a
            record (frequency ratio).
        """
        ratio = pitch_ratio(level, self.num_levels, detune)
        sig = self._synths[index](self._t, self.sample_rate, ratio, rng)
        return _to_level(sig * self._fade,
                         gain_db), dict(ratio=round(ratio, 5))


def recording_files(sound_dir: str) -> List[str]:
    """The audio files of ``sound_dir`` (sorted; one category each).

    Raises:
        FileNotFoundError: If the folder is missing or holds no audio file.
    """
    if not osp.isdir(sound_dir):
        raise FileNotFoundError(f'SynthAVS sound_dir {sound_dir} is not a '
                                'folder')
    files = sorted(
        osp.join(sound_dir, f) for f in os.listdir(sound_dir)
        if f.lower().endswith(AUDIO_EXTS))
    if not files:
        raise FileNotFoundError(f'SynthAVS sound_dir {sound_dir} holds no '
                                f'audio file ({", ".join(AUDIO_EXTS)})')
    return files


@functools.lru_cache(maxsize=64)
def _load_recording(path: str, sample_rate: int) -> np.ndarray:
    """A recording as mono float32 at ``sample_rate`` (cached, read-only)."""
    from mmavs.datasets.audio_io import load_audio
    data, _ = load_audio(path, sample_rate=sample_rate, res_type='soxr_hq')
    data = np.asarray(data, dtype=np.float32)
    if len(data) < 2 * sample_rate:
        raise ValueError(f'SynthAVS sound {path} is shorter than 2 s '
                         f'({len(data) / sample_rate:.2f} s): a second at '
                         'the highest pitch level reads up to 1.5 s')
    if not np.any(data):
        raise ValueError(f'SynthAVS sound {path} is all zeros')
    data.setflags(write=False)
    return data


class RecordingSoundBank:
    """Real recordings, one category per file (``--sound-dir``).

    Categories are named after the file stems, in sorted order.

    Args:
        files (Sequence[str]): The recordings (at least ``num_categories``).
        num_categories (int): Categories used (the first files).
        sample_rate (int): Output rate. Defaults to 16000.
        num_levels (int): Pitch levels. Defaults to 3.
    """

    def __init__(self,
                 files: Sequence[str],
                 num_categories: int,
                 sample_rate: int = 16000,
                 num_levels: int = 3) -> None:
        files = list(files)
        if len(files) < int(num_categories):
            raise ValueError(f'SynthAVS needs {num_categories} recordings '
                             f'(one per category), got {len(files)}')
        self.files = files[:num_categories]
        self.names = [
            osp.splitext(osp.basename(f))[0].replace(' ', '_')
            for f in self.files
        ]
        self.sample_rate = int(sample_rate)
        self.num_levels = int(num_levels)
        self._fade = _fade(self.sample_rate)
        self.signals, self.starts = [], []
        for path in self.files:
            sig = _load_recording(path, self.sample_rate)
            self.signals.append(sig)
            self.starts.append(self._loud_windows(sig, path))

    def _loud_windows(self, sig: np.ndarray, path: str) -> np.ndarray:
        """Starts of the 1.5 s windows with RMS >= 0.5 x the loudest."""
        sr = self.sample_rate
        span = int(1.5 * sr) + 2
        hop = sr // 20
        csum = np.concatenate([[0.0], np.cumsum(sig.astype(np.float64)**2)])
        starts = np.arange(0, len(sig) - span + 1, hop)
        rms = np.sqrt((csum[starts + span] - csum[starts]) / span)
        keep = rms >= 0.5 * rms.max()
        if not keep.any():
            raise ValueError(f'SynthAVS sound {path}: no loud window')
        return starts[keep]

    def render(self, index: int, level: int, detune: float, gain_db: float,
               rng: np.random.Generator) -> Tuple[np.ndarray, dict]:
        """See :meth:`ProceduralSoundBank.render`; the record holds the
        crop's start sample too."""
        sr = self.sample_rate
        ratio = pitch_ratio(level, self.num_levels, detune)
        start = int(rng.choice(self.starts[index]))
        src = self.signals[index]
        pos = start + np.arange(sr) * ratio
        sig = np.interp(pos, np.arange(len(src)), src)
        return _to_level(sig * self._fade, gain_db), dict(
            ratio=round(ratio, 5), start_sample=start)


def build_sound_bank(num_categories: int,
                     sample_rate: int,
                     num_levels: int,
                     sound_dir: Optional[str] = None):
    """The procedural bank, or the recordings of ``sound_dir``."""
    if sound_dir is None:
        return ProceduralSoundBank(num_categories, sample_rate, num_levels)
    return RecordingSoundBank(
        recording_files(sound_dir), num_categories, sample_rate, num_levels)


def sound_bank_identity(num_categories: int,
                        sound_dir: Optional[str] = None) -> Dict:
    """The stamp's record of the sounds, without rendering anything."""
    if sound_dir is None:
        return dict(
            kind='procedural',
            names=[n for n, _ in SOUND_CATEGORIES[:num_categories]])
    files = recording_files(sound_dir)[:num_categories]
    return dict(
        kind='recordings',
        files=[[osp.basename(f), osp.getsize(f)] for f in files])
