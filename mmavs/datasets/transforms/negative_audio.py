# Copyright (c) mmavs contributors. All rights reserved.
"""Negative audio for AVSBench-Robust: silence, white noise, other
recordings, fed through the positives' own audio representation."""
from typing import Tuple

import numpy as np
from mmcv.transforms import BaseTransform

from mmavs.registry import TRANSFORMS
from ..audio_utils import (VGGISH_EXAMPLE_HOP_SECONDS, load_audio,
                           load_audio_feature, resample,
                           waveform_to_vggish_examples)
from .audio import LoadAVAudio
from .loading import IGNORE_INDEX

#: How :class:`LoadRobustAVAudio` turns a negative waveform into a
#: precomputed-feature input (``representation='feature'``).
FEATURE_PIPELINES = ('consistent', 'librosa_official')

#: Sample rate of the official robust feature pipeline (librosa's default).
LIBROSA_OFFICIAL_SAMPLE_RATE = 22050


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


@TRANSFORMS.register_module()
class LoadRobustAVAudio(LoadAVAudio):
    """:class:`LoadAVAudio` that also loads generated negative audio.

    A clip dict without ``negative_audio`` is loaded exactly as by
    :class:`LoadAVAudio`. With ``negative_audio`` (a spec written by
    :class:`~mmavs.datasets.RobustAVSDataset`, see
    :func:`negative_waveform`) the waveform of the spec replaces the clip's
    files:

    - ``'vggish'`` / ``'waveform'``: the waveform goes through the very same
      resampling, VGGish example / window cutting and length policy as a
      file would (``feature_pipeline='librosa_official'`` instead returns
      :func:`official_robust_log_mel` for ``'vggish'``);
    - ``'feature'``: the waveform is turned into ``[T, 1, 96, 64]`` VGGish
      log-mel examples (``feature_pipeline='consistent'``, the front-end of
      the official ``audio_log_mel`` files) or the release's librosa log-mel
      (``'librosa_official'``). If the clip's own feature file has another
      per-frame shape (e.g. precomputed embeddings), an error asks for
      precomputed negative files.

    :class:`RobustAVSDataset` swaps the inner pipeline's
    :class:`LoadAVAudio` for this transform with the same arguments.

    Required Keys:

    - As :class:`LoadAVAudio`, plus ``negative_audio`` (dict, optional):
      ``source``, ``feature_pipeline`` and the source's parameters.

    Added Keys:

    - As :class:`LoadAVAudio`.

    Args:
        **kwargs: Arguments of :class:`LoadAVAudio`.
    """

    @classmethod
    def from_loader(cls, loader: LoadAVAudio) -> 'LoadRobustAVAudio':
        """A copy of ``loader`` (same arguments) of this class.

        Args:
            loader (LoadAVAudio): The transform to copy.

        Returns:
            LoadRobustAVAudio: The copy.
        """
        new = cls.__new__(cls)
        new.__dict__.update(loader.__dict__)
        return new

    def _mixture(self, results: dict, sample_rate: int,
                 res_type: str) -> np.ndarray:
        wave = results.get('_negative_wave')
        if wave is None:
            return super()._mixture(results, sample_rate, res_type)
        data, sr = wave
        return resample(data, sr, sample_rate, res_type=res_type)

    def _audio_source(self, results: dict) -> str:
        spec = results.get('negative_audio')
        if spec is None:
            return super()._audio_source(results)
        if spec['source'] == 'file':
            return f'{spec["path"]} (negative audio)'
        return f'generated {spec["source"]} (negative audio)'

    def _negative_feature(self, results: dict, data: np.ndarray, sr: int,
                          num_valid: int, seconds: float,
                          pipeline: str) -> np.ndarray:
        clip = results.get('clip_id', '?')
        if pipeline == 'librosa_official':
            rows = official_robust_log_mel(
                data, sr, num_segments=num_valid, seconds=num_valid * seconds)
        else:
            source = self._audio_source(results)
            ex = waveform_to_vggish_examples(
                data, sr, res_type=self.res_type, source=source)
            per_frame = max(1,
                            int(round(seconds / VGGISH_EXAMPLE_HOP_SECONDS)))
            rows = self._fit_examples(results, ex, num_valid, per_frame,
                                      data.shape[-1] / sr, source)
        return rows

    def _load(self, results: dict) -> dict:
        """Compute the positive or negative audio input.

        Args:
            results (dict): The clip dict.

        Returns:
            dict: ``results`` with ``audio`` and its metadata.
        """
        spec = results.get('negative_audio')
        if spec is None:
            return super()._load(results)
        self._padding_notes = []
        clip = results.get('clip_id', '?')
        pipeline = spec.get('feature_pipeline', 'consistent')
        if pipeline not in FEATURE_PIPELINES:
            raise ValueError(f'clip {clip}: feature_pipeline must be one of '
                             f'{FEATURE_PIPELINES}, got {pipeline!r}')
        num_frames = int(results['num_frames'])
        valid = np.asarray(
            results.get('valid', [True] * num_frames), dtype=bool)
        num_valid = int(valid.sum())
        seconds = float(results.get('audio_seconds_per_frame', 1.0))
        data, sr = negative_waveform(spec, num_frames * seconds)
        if pipeline == 'librosa_official' and \
                data.shape[-1] / sr < num_valid * seconds:
            # the official pipeline zero-pads a short recording itself
            self._short_audio(results, self._audio_source(results),
                              data.shape[-1] / sr, num_valid * seconds)
        if self.representation == 'feature' or (pipeline == 'librosa_official'
                                                and self.representation
                                                == 'vggish'):
            rows = self._negative_feature(results, data, sr, num_valid,
                                          seconds, pipeline)
            if self.representation == 'feature' and \
                    'audio_feat_path' in results:
                ref = load_audio_feature(results['audio_feat_path'])
                if ref.shape[1:] != rows.shape[1:]:
                    raise ValueError(
                        f'clip {clip}: the positive audio feature '
                        f'{results["audio_feat_path"]} has per-frame shape '
                        f'{ref.shape[1:]}, but negative audio computed on '
                        f'the fly ({pipeline}) has {rows.shape[1:]}; give '
                        'precomputed negative files (negative_files of '
                        'RobustAVSDataset) for this representation')
            audio = np.zeros((num_frames, ) + rows.shape[1:], np.float32)
            audio[valid] = rows
            results['audio'] = audio
            results['audio_representation'] = self.representation
            return results
        if pipeline == 'librosa_official':
            raise ValueError(
                f"clip {clip}: feature_pipeline='librosa_official' gives "
                "log-mel inputs; it cannot feed representation='waveform'")
        results['_negative_wave'] = (data, sr)
        try:
            results = super()._load(results)
        finally:
            results.pop('_negative_wave', None)
        return results


@TRANSFORMS.register_module()
class EmptyNegativeTarget(BaseTransform):
    """Empty ground truth for training negative pairs.

    When ``results['empty_target']`` is true, every pixel of ``gt_masks``
    that is not ignored (255) becomes background (0): a negative audio-
    visual pair has nothing sounding. Ignored pixels (unlabelled frames,
    padding) stay ignored, so the frames supervised are those of the
    positive pair (the official loader uses the empty mask for frame 1 of
    S4 train clips and all 5 frames of MS3). Put it after the geometric
    transforms (:class:`RobustAVSDataset` inserts it before
    :class:`PackAVSInputs`) so crops behave as for the positive pair.

    Required Keys:

    - gt_masks (list[np.ndarray]), empty_target (bool, optional)

    Modified Keys:

    - gt_masks
    """

    def transform(self, results: dict) -> dict:
        """Empty the masks of a negative pair.

        Args:
            results (dict): The clip dict.

        Returns:
            dict: ``results``, masks emptied when ``empty_target``.
        """
        if not results.get('empty_target', False):
            return results
        if 'gt_masks' not in results:
            raise KeyError(
                f'clip {results.get("clip_id", "?")}: empty_target is set '
                'but no gt_masks were loaded (LoadAVAnnotations missing '
                'from the training pipeline)')
        results['gt_masks'] = [
            np.where(m == IGNORE_INDEX, IGNORE_INDEX, 0).astype(m.dtype)
            for m in results['gt_masks']
        ]
        return results


__all__ = [
    'FEATURE_PIPELINES', 'official_robust_log_mel', 'negative_waveform',
    'LoadRobustAVAudio', 'EmptyNegativeTarget'
]
