# Copyright (c) mmavs contributors. All rights reserved.
"""Where audio comes from: decoding files, resampling, the generated
negative signals of AVSBench-Robust, and precomputed feature files.

The feature front-ends that turn a waveform into model inputs (VGGish
examples, waveform windows) are in :mod:`mmavs.datasets.audio_features`.
"""
import io
import os.path as osp
import pickle
from typing import Optional, Tuple

import numpy as np

__all__ = [
    'AUDIO_EXTENSIONS', 'AudioFileError', 'AudioFileNotFoundError',
    'load_audio', 'resample', 'to_mono', 'negative_waveform',
    'load_audio_feature'
]

#: File extensions read as audio recordings where a file may be audio or a
#: precomputed feature (``negative_files`` of RobustAVSDataset).
AUDIO_EXTENSIONS = ('.wav', '.flac', '.ogg', '.mp3', '.aif', '.aiff')

# formats decoded by libsndfile (>= 1.1 reads mp3); others go to audioread
_SNDFILE_EXTS = ('.wav', '.flac', '.ogg', '.oga', '.mp3', '.aif', '.aiff',
                 '.au', '.w64', '.caf')


class AudioFileError(ValueError):
    """An audio (or audio feature) file is missing, unreadable or empty."""


class AudioFileNotFoundError(AudioFileError, FileNotFoundError):
    """An audio (or audio feature) file does not exist."""


# ---------------------------------------------------------------------------
# Loading and resampling
# ---------------------------------------------------------------------------
def load_audio(path: str,
               sample_rate: Optional[int] = None,
               mono: bool = True,
               res_type: str = 'kaiser_best',
               dtype: type = np.float64) -> Tuple[np.ndarray, int]:
    """Load an audio file (wav, flac, ogg, mp3, ...).

    The file is decoded with ``soundfile`` (libsndfile); formats it cannot
    read fall back to ``librosa.load`` (audioread/ffmpeg). 16-bit PCM is
    scaled by 1/32768, exactly as VGGish's ``wavfile_to_examples`` does.

    Args:
        path (str): The audio file.
        sample_rate (int, optional): Resample to this rate. ``None`` keeps
            the file's rate.
        mono (bool): Average the channels into one. Defaults to True.
        res_type (str): The resampler passed to :func:`resample`.
            Defaults to ``'kaiser_best'`` (resampy, the VGGish reference).
        dtype (type): Output dtype. Defaults to float64 (the reference
            front-end computes in float64).

    Returns:
        tuple[np.ndarray, int]: The waveform, ``[L]`` when ``mono`` else
        ``[C, L]``, and its sample rate.

    Raises:
        AudioFileError: If the file is missing, cannot be decoded or holds
            no samples.
    """
    if not osp.isfile(path):
        raise AudioFileNotFoundError(f'audio file not found: {path}')
    data, sr = _decode(path)
    if data.shape[1] == 0:
        raise AudioFileError(
            f'audio file {path} is empty (0 samples); expected a non-empty '
            'audio track')
    if not np.all(np.isfinite(data)):
        raise AudioFileError(f'audio file {path} holds NaN or inf samples')
    if mono:
        data = to_mono(data)
    if sample_rate is not None and sample_rate != sr:
        data = resample(data, sr, sample_rate, res_type=res_type)
        sr = sample_rate
    return np.ascontiguousarray(data, dtype=dtype), int(sr)


def _decode(path: str) -> Tuple[np.ndarray, int]:
    """Decode ``path`` to a float64 array ``[C, L]`` and its rate."""
    import soundfile as sf
    try:
        data, sr = sf.read(path, dtype='float64', always_2d=True)
        return data.T, int(sr)
    except Exception as sf_err:
        if osp.splitext(path)[1].lower() in _SNDFILE_EXTS:
            raise AudioFileError(
                f'cannot read audio file {path}: {sf_err}; expected a valid '
                f'{osp.splitext(path)[1]} file') from sf_err
        try:  # a container libsndfile does not know (m4a, ...): audioread
            import librosa
            data, sr = librosa.load(
                path, sr=None, mono=False, dtype=np.float64)
        except Exception as err:
            raise AudioFileError(
                f'cannot read audio file {path}: expected an audio file '
                f'readable by soundfile or librosa ({sf_err}; {err})') from err
        return np.atleast_2d(data), int(sr)


def to_mono(data: np.ndarray) -> np.ndarray:
    """Average the channels of ``[C, L]`` (``[L]`` is returned as is)."""
    return data if data.ndim == 1 else data.mean(axis=0)


def resample(data: np.ndarray,
             orig_sr: int,
             target_sr: int,
             res_type: str = 'kaiser_best') -> np.ndarray:
    """Resample along the last axis with ``librosa.resample``.

    ``'kaiser_best'`` (resampy, needs the ``resampy`` package) reproduces the
    reference VGGish front-end; faster choices (``'soxr_hq'``,
    ``'kaiser_fast'``, ``'polyphase'``, ...) change the VGGish log-mel by up
    to ~0.8 and must be asked for explicitly. Unlike librosa's default, the
    output length is not padded (``fix=False``), as resampy returns it.

    Args:
        data (np.ndarray): Waveform ``[..., L]``.
        orig_sr (int): Its sample rate.
        target_sr (int): The wanted sample rate.
        res_type (str): Resampler name understood by ``librosa.resample``.

    Returns:
        np.ndarray: The resampled waveform.
    """
    if orig_sr == target_sr:
        return data
    import librosa
    return librosa.resample(
        data,
        orig_sr=orig_sr,
        target_sr=target_sr,
        res_type=res_type,
        fix=False)


def negative_waveform(spec: dict, seconds: float) -> Tuple[np.ndarray, int]:
    """The waveform described by a ``negative_audio`` spec.

    Args:
        spec (dict): ``source`` is ``'silence'`` (zeros), ``'noise'`` (white
            noise drawn from ``numpy.random.default_rng(noise_seed)``,
            ``noise_distribution`` ``'uniform'`` in ``[-a, a]`` or
            ``'gaussian'`` with std ``a``, ``a = noise_amplitude``) at
            ``sample_rate``, or ``'file'`` (the recording ``path``, mono).
        seconds (float): Duration of generated audio.

    The official generator (``generate_noise_audio``) draws
    ``uniform(-1, 1)`` values at 44.1 kHz but hands their float64 bytes to
    pydub as 16-bit PCM: its wav files hold white noise too, 0.28 dB below
    uniform ``[-1, 1]`` noise (three words of each value are uniform over
    the int16 range, the sign/exponent word is close to +-0.5). White noise
    drawn at a lower rate keeps all its power below that rate's Nyquist
    frequency: drawn at 16 kHz it is about 4.5 dB louder in the VGGish band
    (log-mel about +0.5) than drawn at 44.1 kHz and resampled.

    Returns:
        tuple[np.ndarray, int]: float64 mono waveform and its sample rate.

    Raises:
        ValueError: If ``source`` is unknown.
    """
    source = spec['source']
    if source == 'file':
        return load_audio(spec['path'], sample_rate=None, mono=True)
    sample_rate = int(spec['sample_rate'])
    num = int(round(seconds * sample_rate))
    if source == 'silence':
        return np.zeros(num, np.float64), sample_rate
    if source == 'noise':
        rng = np.random.default_rng(int(spec['noise_seed']))
        amp = float(spec.get('noise_amplitude', 1.0))
        dist = spec.get('noise_distribution', 'uniform')
        if dist == 'uniform':
            return rng.uniform(-amp, amp, num), sample_rate
        if dist == 'gaussian':
            return rng.normal(0.0, amp, num), sample_rate
        raise ValueError(f"noise_distribution must be 'uniform' or "
                         f"'gaussian', got {dist!r}")
    raise ValueError(f"negative_audio source must be 'silence', 'noise' or "
                     f"'file', got {source!r}")


# ---------------------------------------------------------------------------
# Precomputed features
# ---------------------------------------------------------------------------
class _TensorUnpickler(pickle.Unpickler):
    """Unpickle a pickled ``torch.Tensor`` (the official ``audio_log_mel``
    ``.pkl`` files) without running arbitrary code."""

    _ALLOWED = {
        ('torch._utils', '_rebuild_tensor_v2'),
        ('torch._utils', '_rebuild_tensor'),
        ('torch._utils', '_rebuild_parameter'),
        ('torch._tensor', '_rebuild_from_type_v2'),
        ('torch', 'Tensor'),
        ('collections', 'OrderedDict'),
        ('numpy.core.multiarray', '_reconstruct'),
        ('numpy._core.multiarray', '_reconstruct'),
        ('numpy', 'ndarray'),
        ('numpy', 'dtype'),
    }

    def find_class(self, module: str, name: str):
        if (module, name) == ('torch.storage', '_load_from_bytes'):
            import torch
            return lambda b: torch.load(io.BytesIO(b), weights_only=True)
        if (module, name) in self._ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(
            f'{module}.{name} is not allowed in an audio feature pickle')


def load_audio_feature(path: str) -> np.ndarray:
    """Load a precomputed audio input / embedding.

    Supported: ``.pkl`` (a pickled ``torch.Tensor`` or ``np.ndarray``, as
    the official ``audio_log_mel/*.pkl`` ``[5, 1, 96, 64]``), ``.pt`` /
    ``.pth`` (``torch.save``), ``.npy``.

    Args:
        path (str): The feature file.

    Returns:
        np.ndarray: float32 array; the first axis is time (one row per video
        second / frame).

    Raises:
        AudioFileError: If the file is missing, unreadable, empty or holds
            NaN / inf.
    """
    if not osp.isfile(path):
        raise AudioFileNotFoundError(
            f'audio feature file not found: {path}')
    ext = osp.splitext(path)[1].lower()
    try:
        if ext == '.npy':
            arr = np.load(path, allow_pickle=False)
        elif ext == '.pkl':
            with open(path, 'rb') as f:
                arr = _TensorUnpickler(f).load()
        elif ext in ('.pt', '.pth'):
            import torch
            arr = torch.load(path, map_location='cpu', weights_only=True)
        else:
            raise AudioFileError(
                f'unsupported audio feature file {path}: expected .pkl, '
                '.pt/.pth or .npy')
    except AudioFileError:
        raise
    except Exception as err:
        raise AudioFileError(
            f'cannot read audio feature file {path}: {err}') from err
    if hasattr(arr, 'detach'):
        arr = arr.detach().cpu().numpy()
    arr = np.asarray(arr)
    if arr.ndim == 0 or arr.shape[0] == 0 or arr.size == 0:
        raise AudioFileError(f'audio feature file {path} is empty (shape '
                             f'{arr.shape}); expected [T, ...]')
    arr = arr.astype(np.float32)
    finite = np.isfinite(arr)
    if not finite.all():
        rows = np.flatnonzero(~finite.reshape(arr.shape[0], -1).all(1))
        raise AudioFileError(
            f'audio feature file {path} holds {int((~finite).sum())} NaN or '
            f'inf value(s), in row(s) {rows[:10].tolist()}; expected finite '
            'features')
    return arr
