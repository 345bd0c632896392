# Copyright (c) mmavs contributors. All rights reserved.
"""Audio feature front-ends: the VGGish log-mel examples, waveform windows
for HTSAT/CLAP, the length helpers they share, and the librosa log-mel of
the AVSBench-Robust release.

Decoding and resampling are in :mod:`mmavs.datasets.audio_io`. Both are
used by :class:`mmavs.datasets.transforms.LoadAVAudio` and by anything
else that needs the same audio inputs (inference on a video file, dataset
converters, SynthAVS).

The VGGish front-end reproduces ``vggish_input.wavfile_to_examples`` of the
AudioSet VGGish release (``mel_features.py`` + ``vggish_params.py``), which is
what the AVSBench preprocessing scripts and the AVSS dataloader call:

1. read the file, convert to mono by averaging the channels;
2. resample to 16 kHz with resampy's ``kaiser_best`` filter;
3. frame with a 25 ms window and a 10 ms hop (400 / 160 samples), multiply
   by a *periodic* Hann window, take the magnitude of a 512-point real FFT
   (the next power of two above the window length);
4. project onto 64 triangular mel bands between 125 Hz and 7500 Hz built on
   the HTK mel scale ``1127 ln(1 + f / 700)`` (the DC bin gets no weight);
5. ``log(mel + 0.01)``;
6. cut the log-mel frames into non-overlapping examples of 96 frames
   (0.96 s), giving an array ``[N, 96, 64]``.
"""
import functools
from typing import Optional

import numpy as np

from .audio_io import AudioFileError, resample, to_mono

__all__ = [
    'VGGISH_SAMPLE_RATE', 'VGGISH_EXAMPLE_SAMPLES', 'FEATURE_PIPELINES',
    'vggish_mel_matrix', 'vggish_log_mel', 'vggish_examples',
    'waveform_to_vggish_examples', 'fit_length', 'centre_crop_or_tile',
    'pan_to_stereo', 'fill_to_length', 'clap_quantize', 'waveform_windows',
    'official_robust_log_mel'
]

# vggish_params.py
VGGISH_SAMPLE_RATE = 16000
VGGISH_STFT_WINDOW_SECONDS = 0.025
VGGISH_STFT_HOP_SECONDS = 0.010
VGGISH_NUM_MEL_BINS = 64
VGGISH_MEL_MIN_HZ = 125.0
VGGISH_MEL_MAX_HZ = 7500.0
VGGISH_LOG_OFFSET = 0.01
VGGISH_EXAMPLE_WINDOW_SECONDS = 0.96
VGGISH_EXAMPLE_HOP_SECONDS = 0.96
VGGISH_NUM_FRAMES = 96  # log-mel frames per example
#: Fewest 16 kHz samples that give one VGGish example (0.975 s).
VGGISH_EXAMPLE_SAMPLES = 400 + 160 * (VGGISH_NUM_FRAMES - 1)

#: How negative audio is turned into a log-mel input where the positives are
#: precomputed files (``representation='feature'``): the VGGish front-end of
#: the official ``audio_log_mel`` files (``'consistent'``) or the librosa
#: pipeline of the AVSBench-Robust release (``'librosa_official'``).
FEATURE_PIPELINES = ('consistent', 'librosa_official')

#: Sample rate of the official robust feature pipeline (librosa's default).
LIBROSA_OFFICIAL_SAMPLE_RATE = 22050

_MEL_BREAK_HZ = 700.0
_MEL_HIGH_Q = 1127.0


# ---------------------------------------------------------------------------
# VGGish log-mel examples
# ---------------------------------------------------------------------------
@functools.lru_cache(maxsize=8)
def _mel_matrix(num_mel_bins: int, num_spectrogram_bins: int, sample_rate: int,
                lower_hz: float, upper_hz: float) -> np.ndarray:
    nyquist = sample_rate / 2.0
    if not 0.0 <= lower_hz < upper_hz <= nyquist:
        raise ValueError(f'mel band edges must satisfy 0 <= lower ({lower_hz})'
                         f' < upper ({upper_hz}) <= nyquist ({nyquist})')

    def hz_to_mel(hz):
        return _MEL_HIGH_Q * np.log(1.0 + hz / _MEL_BREAK_HZ)

    bins_mel = hz_to_mel(np.linspace(0.0, nyquist, num_spectrogram_bins))
    edges = np.linspace(
        hz_to_mel(lower_hz), hz_to_mel(upper_hz), num_mel_bins + 2)
    lower, center, upper = edges[:-2], edges[1:-1], edges[2:]
    lower_slope = (bins_mel[:, None] - lower) / (center - lower)
    upper_slope = (upper - bins_mel[:, None]) / (upper - center)
    weights = np.maximum(0.0, np.minimum(lower_slope, upper_slope))
    weights[0, :] = 0.0  # HTK excludes the DC bin
    weights.setflags(write=False)
    return weights


def vggish_mel_matrix(num_mel_bins: int = VGGISH_NUM_MEL_BINS,
                      num_spectrogram_bins: int = 257,
                      sample_rate: int = VGGISH_SAMPLE_RATE,
                      lower_hz: float = VGGISH_MEL_MIN_HZ,
                      upper_hz: float = VGGISH_MEL_MAX_HZ) -> np.ndarray:
    """The HTK-style mel weight matrix of ``mel_features.py``.

    Args:
        num_mel_bins (int): Number of mel bands. Defaults to 64.
        num_spectrogram_bins (int): Number of rFFT bins (``fft // 2 + 1``).
            Defaults to 257.
        sample_rate (int): Sample rate of the analysed audio.
        lower_hz (float): Lower edge of the lowest band. Defaults to 125.
        upper_hz (float): Upper edge of the highest band. Defaults to 7500.

    Returns:
        np.ndarray: Read-only float64 ``[num_spectrogram_bins, num_mel]``.
    """
    return _mel_matrix(num_mel_bins, num_spectrogram_bins, sample_rate,
                       float(lower_hz), float(upper_hz))


def vggish_log_mel(waveform: np.ndarray,
                   sample_rate: int = VGGISH_SAMPLE_RATE) -> np.ndarray:
    """Log-mel spectrogram of a mono waveform, as ``mel_features.py``.

    Args:
        waveform (np.ndarray): Mono waveform ``[L]`` (float, ~[-1, 1]).
        sample_rate (int): Its sample rate (16000 for VGGish).

    Returns:
        np.ndarray: float64 ``[num_frames, 64]``.

    Raises:
        ValueError: If the waveform is shorter than one 25 ms window.
    """
    if waveform.ndim != 1:
        raise ValueError(f'expected a mono waveform [L], got shape '
                         f'{waveform.shape}')
    win = int(round(sample_rate * VGGISH_STFT_WINDOW_SECONDS))
    hop = int(round(sample_rate * VGGISH_STFT_HOP_SECONDS))
    fft_length = 2**int(np.ceil(np.log2(win)))
    if waveform.shape[0] < win:
        raise ValueError(f'waveform of {waveform.shape[0]} samples is '
                         f'shorter than one STFT window ({win} samples)')
    frames = np.lib.stride_tricks.sliding_window_view(
        np.asarray(waveform, dtype=np.float64), win)[::hop]
    periodic_hann = 0.5 - 0.5 * np.cos(2 * np.pi / win * np.arange(win))
    spectrogram = np.abs(np.fft.rfft(frames * periodic_hann, n=fft_length))
    mel = spectrogram @ vggish_mel_matrix(
        num_spectrogram_bins=fft_length // 2 + 1, sample_rate=sample_rate)
    return np.log(mel + VGGISH_LOG_OFFSET)


def vggish_examples(log_mel: np.ndarray) -> np.ndarray:
    """Cut log-mel frames into non-overlapping 0.96 s examples.

    Args:
        log_mel (np.ndarray): ``[num_frames, 64]``.

    Returns:
        np.ndarray: ``[N, 96, 64]`` (``N = num_frames // 96``; the partial
        tail is dropped as in the reference).
    """
    num = log_mel.shape[0] // VGGISH_NUM_FRAMES
    return log_mel[:num * VGGISH_NUM_FRAMES].reshape(num, VGGISH_NUM_FRAMES,
                                                     log_mel.shape[1])


def waveform_to_vggish_examples(waveform: np.ndarray,
                                sample_rate: int,
                                res_type: str = 'kaiser_best',
                                source: str = '<waveform>') -> np.ndarray:
    """VGGish input examples of a waveform (``waveform_to_examples``).

    Args:
        waveform (np.ndarray): ``[L]`` or ``[C, L]`` (channels are averaged).
        sample_rate (int): Its sample rate; resampled to 16 kHz with
            ``res_type`` when different.
        res_type (str): Resampler. Defaults to ``'kaiser_best'``.
        source (str): Name used in error messages (e.g. the file path).

    Returns:
        np.ndarray: float32 ``[N, 96, 64]`` with ``N >= 1``.

    Raises:
        AudioFileError: If the audio is too short for one example (0.975 s).
    """
    data = to_mono(np.asarray(waveform, dtype=np.float64))
    data = resample(data, sample_rate, VGGISH_SAMPLE_RATE, res_type=res_type)
    if data.shape[0] < VGGISH_EXAMPLE_SAMPLES:
        raise AudioFileError(
            f'audio {source} is too short for VGGish: '
            f'{data.shape[0] / VGGISH_SAMPLE_RATE:.3f} s, expected at least '
            f'{VGGISH_EXAMPLE_SAMPLES / VGGISH_SAMPLE_RATE:.3f} s (one 0.96 s '
            'example)')
    return vggish_examples(vggish_log_mel(data)).astype(np.float32)


# ---------------------------------------------------------------------------
# Lengths, crops, channels
# ---------------------------------------------------------------------------
def fit_length(array: np.ndarray,
               length: int,
               pad_mode: str = 'repeat') -> np.ndarray:
    """Trim or pad ``array`` along axis 0 to ``length`` rows.

    Args:
        array (np.ndarray): ``[N, ...]`` with ``N >= 1``.
        length (int): Wanted number of rows.
        pad_mode (str): ``'repeat'`` repeats the last row (the AVSBench
            preprocessing of short log-mel tensors), ``'zeros'`` (or
            ``'zero'``) pads zeros (the AVSS dataloader). Defaults to
            ``'repeat'``. :class:`~mmavs.datasets.transforms.LoadAVAudio`
            decides whether a short input may be padded at all.

    Returns:
        np.ndarray: ``[length, ...]``.
    """
    if pad_mode not in ('repeat', 'zeros', 'zero'):
        raise ValueError(f"pad_mode must be 'repeat' or 'zeros', got "
                         f'{pad_mode!r}')
    num = array.shape[0]
    if num >= length:
        return array[:length]
    if num == 0:
        raise ValueError('cannot pad an empty array')
    if pad_mode == 'repeat':
        index = np.minimum(np.arange(length), num - 1)
        return array[index]
    pad = np.zeros((length - num, ) + array.shape[1:], dtype=array.dtype)
    return np.concatenate([array, pad], axis=0)


def centre_crop_or_tile(waveform: np.ndarray, num_samples: int) -> np.ndarray:
    """Take the centred ``num_samples`` window of the last axis.

    A track longer than the window is cropped around its middle sample
    (start ``L // 2 - num_samples // 2``, as the VPO code does); a shorter
    one is tiled (repeated whole) and cut to ``num_samples``.

    Args:
        waveform (np.ndarray): ``[..., L]``.
        num_samples (int): Window length.

    Returns:
        np.ndarray: ``[..., num_samples]``.
    """
    length = waveform.shape[-1]
    if length >= num_samples:
        start = length // 2 - num_samples // 2
        return waveform[..., start:start + num_samples]
    reps = -(-num_samples // length)
    tiled = np.tile(waveform, (1, ) * (waveform.ndim - 1) + (reps, ))
    return tiled[..., :num_samples]


def pan_to_stereo(waveform: np.ndarray, position: float) -> np.ndarray:
    """Place a mono source in a stereo field (the VPO stereo variant).

    Args:
        waveform (np.ndarray): Mono ``[L]``.
        position (float): 0 = left, 1 = right.

    Returns:
        np.ndarray: ``[2, L]`` = ``[(1 - p) * w, p * w]``.
    """
    if not 0.0 <= position <= 1.0:
        raise ValueError(f'stereo position must lie in [0, 1], got '
                         f'{position}')
    return np.stack([waveform * (1.0 - position), waveform * position])


def fill_to_length(chunk: np.ndarray,
                   length: int,
                   filling: str = 'repeatpad') -> np.ndarray:
    """Fill a short window along the last axis, as CLAP does.

    Args:
        chunk (np.ndarray): ``[..., l]`` with ``0 < l <= length``.
        length (int): Wanted length.
        filling (str): ``'repeatpad'`` (CLAP's default: repeat the window
            ``length // l`` times, then zero-pad), ``'repeat'`` (repeat and
            cut) or ``'pad'`` (zero-pad).

    Returns:
        np.ndarray: ``[..., length]``.
    """
    cur = chunk.shape[-1]
    if cur > length:
        raise ValueError(f'window of {cur} samples is longer than {length}')
    if cur == length:
        return chunk
    if cur == 0:
        raise ValueError('cannot fill an empty window')
    lead = (1, ) * (chunk.ndim - 1)
    if filling == 'repeatpad':
        chunk = np.tile(chunk, lead + (length // cur, ))
    elif filling == 'repeat':
        chunk = np.tile(chunk, lead + (length // cur + 1, ))[..., :length]
    elif filling != 'pad':
        raise ValueError(f"filling must be 'repeatpad', 'repeat' or 'pad', "
                         f'got {filling!r}')
    pad = [(0, 0)] * (chunk.ndim - 1) + [(0, length - chunk.shape[-1])]
    return np.pad(chunk, pad)


def clap_quantize(waveform: np.ndarray) -> np.ndarray:
    """Round-trip through int16 as CLAP's ``get_audio_embedding_*`` do."""
    clipped = np.clip(waveform, -1.0, 1.0)
    return ((clipped * 32767.0).astype(np.int16) / 32767.0).astype(np.float32)


def waveform_windows(waveform: np.ndarray,
                     sample_rate: int,
                     num_windows: int,
                     window_seconds: float = 1.0,
                     max_len: Optional[int] = None,
                     filling: str = 'repeatpad',
                     pad_mode: str = 'repeat') -> np.ndarray:
    """Cut a waveform into one window per video frame.

    Window ``t`` covers ``[t * w, (t + 1) * w)`` seconds. A partial last
    window is filled to the window length with ``filling``; frames after the
    end of the track reuse the last window (``pad_mode='repeat'``) or get
    zeros (``'zero'``). With ``max_len`` every window is then filled to
    ``max_len`` samples (480000 reproduces CLAP's 10 s HTSAT input).

    Args:
        waveform (np.ndarray): ``[L]`` or ``[C, L]``.
        sample_rate (int): Its sample rate.
        num_windows (int): Number of windows (frames).
        window_seconds (float): Window length in seconds. Defaults to 1.
        max_len (int, optional): Final window length in samples.
        filling (str): See :func:`fill_to_length`. Defaults to
            ``'repeatpad'``.
        pad_mode (str): See :func:`fit_length`. Defaults to ``'repeat'``.

    Returns:
        np.ndarray: ``[num_windows, L_w]`` or ``[num_windows, C, L_w]``.
    """
    win = int(round(window_seconds * sample_rate))
    length = waveform.shape[-1]
    if length == 0:
        raise ValueError('cannot cut windows from an empty waveform')
    num_full, rest = divmod(length, win)
    full = waveform[..., :num_full * win]
    full = full.reshape(full.shape[:-1] + (num_full, win))
    full = np.moveaxis(full, -2, 0)  # [num_full, (C,) win]
    parts = [full]
    if rest:
        tail = fill_to_length(waveform[..., num_full * win:], win, filling)
        parts.append(tail[None])
    windows = np.concatenate(parts, axis=0)
    windows = fit_length(windows, num_windows, pad_mode)
    if max_len is not None and max_len != win:
        windows = fill_to_length(windows, max_len, filling)
    return windows


def official_robust_log_mel(waveform: np.ndarray,
                            sample_rate: int,
                            num_segments: int = 5,
                            seconds: float = 5.0,
                            res_type: str = 'soxr_hq') -> np.ndarray:
    """Log-mel input of the AVSBench-Robust release's negative audio.

    Re-implements the ``extract_log_mel_features`` pipeline of the official
    generator (``dataset_generation/audio_processing.py``), which differs
    from the VGGish front-end of the positive ``audio_log_mel`` files:
    ``librosa.load`` at 22050 Hz (its default resampler), the first
    ``seconds`` kept and zero-padded to ``seconds``, split into
    ``num_segments`` equal parts; per part a 64-band mel power spectrogram
    (``n_fft=1024``, ``hop_length=512``), ``power_to_db`` (ref 1, top 80 dB),
    standardised to zero mean / unit variance when its std is > 0, zero
    padded (or cut) to 96 frames and transposed to ``[96, 64]``.

    Args:
        waveform (np.ndarray): Mono waveform ``[L]``.
        sample_rate (int): Its sample rate.
        num_segments (int): Segments (frames ``T``). Defaults to 5.
        seconds (float): Kept duration. Defaults to 5.0.
        res_type (str): Resampler to 22050 Hz. Defaults to ``'soxr_hq'``
            (librosa's default of ``librosa.load``).

    Returns:
        np.ndarray: float32 ``[num_segments, 1, 96, 64]``.
    """
    import librosa
    sr = LIBROSA_OFFICIAL_SAMPLE_RATE
    wave = resample(
        np.asarray(waveform, dtype=np.float64), sample_rate, sr, res_type)
    length = int(round(sr * seconds))
    wave = wave[:length]
    if wave.shape[0] < length:
        wave = np.pad(wave, (0, length - wave.shape[0]))
    out = []
    for segment in np.array_split(wave.astype(np.float32), num_segments):
        mel = librosa.feature.melspectrogram(
            y=segment, sr=sr, n_mels=64, n_fft=1024, hop_length=512)
        log_mel = librosa.power_to_db(mel)
        std = log_mel.std()
        if std > 0:
            log_mel = (log_mel - log_mel.mean()) / std
        frames = np.zeros((64, 96), np.float32)
        keep = min(96, log_mel.shape[1])
        frames[:, :keep] = log_mel[:, :keep]
        out.append(frames.T)
    return np.stack(out)[:, None].astype(np.float32)
