# Copyright (c) mmavs contributors. All rights reserved.
"""The audio input of a clip: VGGish examples, waveform windows or
precomputed features, chosen by one argument; the clip's own audio or the
negative audio that a per-sample spec names."""
import os.path as osp
import warnings
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import numpy as np
from mmcv.transforms import BaseTransform

from mmavs.registry import TRANSFORMS
from ..audio_cache import (CACHE_ON_MISS, LOADER_PARAMS, AudioCacheMissError,
                           AudioCacheMissWarning, audio_cache_key,
                           cache_entry_path, load_cache_entry)
from ..audio_features import (FEATURE_PIPELINES, VGGISH_EXAMPLE_HOP_SECONDS,
                              VGGISH_EXAMPLE_SAMPLES, VGGISH_NUM_FRAMES,
                              VGGISH_SAMPLE_RATE, centre_crop_or_tile,
                              clap_quantize, fit_length,
                              official_robust_log_mel, pan_to_stereo,
                              waveform_to_vggish_examples, waveform_windows)
from ..audio_io import (AudioFileError, load_audio, load_audio_feature,
                        negative_waveform, resample, to_mono)

REPRESENTATIONS = ('vggish', 'waveform', 'feature')
#: What :class:`LoadAVAudio` does with audio shorter than its clip.
PAD_MODES = ('error', 'repeat', 'zeros')
#: A waveform this much shorter than its clip (resampling rounding) is not
#: short; its last window is filled by ``filling``.
SHORT_TOLERANCE_SECONDS = 1e-3


class AudioTooShortError(AudioFileError):
    """An audio track is shorter than its clip (``pad_mode='error'``)."""


class AudioPaddingWarning(UserWarning):
    """A clip's audio was padded (``pad_mode='repeat'`` or ``'zeros'``)."""


def _vggish_seconds(num_examples: int) -> float:
    """Shortest track that gives ``num_examples`` VGGish examples."""
    samples = VGGISH_EXAMPLE_SAMPLES + (num_examples - 1) * 160 * \
        VGGISH_NUM_FRAMES
    return samples / VGGISH_SAMPLE_RATE


@dataclass
class _AudioSource:
    """Where the audio of one clip comes from (internal to LoadAVAudio).

    Exactly one of ``paths`` (audio files to mix), ``feat_path`` (a feature
    file) and ``wave`` (a waveform and its rate) is set.
    """
    name: str
    paths: Optional[List[str]] = None
    pans: Optional[Sequence[float]] = None
    crop: Optional[float] = None
    feat_path: Optional[str] = None
    wave: Optional[Tuple[np.ndarray, int]] = None
    pipeline: str = 'consistent'


@TRANSFORMS.register_module()
class LoadAVAudio(BaseTransform):
    """Load the audio of a clip as one input row per frame.

    ``representation`` selects the input of the audio backbone:

    - ``'vggish'``: VGGish log-mel examples ``[T, k, 96, 64]`` (``k = 1``
      for one example per video second; ``k = round(s / 0.96)`` for ``s``
      seconds per frame, e.g. 3 for VPO). The file is read, averaged to
      mono, resampled to 16 kHz with ``res_type`` (``'kaiser_best'`` =
      reference) and turned into examples by
      :func:`~mmavs.datasets.audio_features.waveform_to_vggish_examples`.
    - ``'waveform'``: waveform windows ``[T, L]`` (``[T, 2, L]`` for stereo
      VPO) at ``sample_rate`` (48 kHz for HTSAT/CLAP), one window of
      ``s`` seconds per frame, a partial last window repeat-padded as CLAP
      does; ``max_len`` then fills each window to ``max_len`` samples
      (480000 = CLAP's 10 s input) and ``quantize`` applies CLAP's int16
      round trip.
    - ``'feature'``: a precomputed file (``audio_feat_path``): the official
      ``audio_log_mel/*.pkl`` ``[5, 1, 96, 64]`` or per-second embeddings
      ``.npy`` ``[T, D]``.

    Length policy: ``s`` comes from ``audio_seconds_per_frame`` in results
    (default 1 s). The valid frames of a clip need ``n_valid * k`` examples /
    windows / feature rows; a longer track is trimmed. A shorter track is
    handled by ``pad_mode``:

    - ``'error'`` (default): raise :class:`AudioTooShortError` naming the
      clip, the file, its duration and the duration the clip needs;
    - ``'repeat'`` (opt-in, the AVSBench preprocessing): repeat the last
      example / window / row (VPO sources shorter than
      ``audio_crop_seconds`` are tiled, as the VPO code does);
    - ``'zeros'`` (opt-in, the AVSS loader): pad with zeros.

    Every clip padded is counted: its first padding emits an
    :class:`AudioPaddingWarning` naming the clip, the file, both durations
    and the number of clips this transform padded so far (per dataloader
    worker). A waveform shorter by less than
    :data:`SHORT_TOLERANCE_SECONDS` (resampling rounding) is not short.
    Padding frames (``valid=False``) get zeros. VPO items carry
    ``audio_crop_seconds``: each source is first centre-cropped to that
    length; several ``audio_path`` entries are summed, after panning by
    ``audio_pan`` when present (stereo).

    Negative audio (AVSBench-Robust): a clip dict may carry
    ``negative_audio``, a spec that replaces the clip's own audio (written
    per sample by :class:`~mmavs.datasets.RobustAVSDataset`; see
    ``docs/en/advanced_guides/design.md``). Its ``source`` is

    - ``'silence'`` / ``'noise'``: a generated waveform
      (:func:`~mmavs.datasets.audio_io.negative_waveform`) of the clip's
      duration, at ``sample_rate`` of the spec or, when it is None, at this
      transform's rate (16 kHz when it has none);
    - ``'file'``: the recording ``path``;
    - ``'clip'``: the audio of another clip (off-screen sound):
      ``audio_path`` / ``audio_feat_path`` and, when that clip has them,
      ``audio_crop_seconds`` / ``audio_pan``;
    - ``'feature_file'``: a precomputed feature file ``path``
      (``representation='feature'`` only).

    The negative goes through the positives' own front-end: the same
    resampling, VGGish example / window cutting and length policy for
    ``'vggish'`` / ``'waveform'``; for ``'feature'`` a waveform is turned
    into ``[T, 1, 96, 64]`` VGGish log-mel examples
    (``feature_pipeline='consistent'``, the front-end of the official
    ``audio_log_mel`` files; an off-screen clip then uses its own feature
    file) or into the release's librosa log-mel
    (``'librosa_official'``, :func:`~mmavs.datasets.audio_features.
    official_robust_log_mel`, also for ``'vggish'``). If the clip's own
    feature file has another per-frame shape (e.g. precomputed embeddings),
    an error asks for precomputed negative files.

    In-memory audio (inference on a video, :mod:`mmavs.apis`):
    ``audio_waveform = (waveform, sample_rate)`` (float ``[L]`` or
    ``[C, L]``) replaces the file of ``audio_path``; it is averaged to mono
    and resampled exactly as a file's samples (:func:`load_audio`), so a
    waveform holding a wav file's samples gives the same input as the file.
    ``audio_source`` names it in messages.

    Required Keys:

    - audio_path (str | list[str]), audio_waveform (tuple) or
      audio_feat_path (str)
    - num_frames (int), valid (list[bool]), clip_id (str)
    - audio_seconds_per_frame, audio_crop_seconds, audio_pan (optional)
    - negative_audio (dict, optional): the spec above (``source``,
      ``feature_pipeline``, ``origin`` for messages, and what the source
      needs)

    Added Keys:

    - audio (np.ndarray): float32 ``[T, ...]``
    - audio_representation (str)
    - audio_sample_rate (int, for ``'vggish'`` and ``'waveform'``)

    Args:
        representation (str): ``'vggish'``, ``'waveform'`` or
            ``'feature'``. Defaults to ``'vggish'``.
        sample_rate (int, optional): Waveform rate; ``None`` = 16000 for
            ``'vggish'`` (fixed) and 48000 for ``'waveform'``.
        res_type (str): Resampler of ``librosa.resample``. Defaults to
            ``'kaiser_best'`` (the VGGish reference); e.g. ``'soxr_hq'`` is
            faster but changes the log-mel.
        pad_mode (str): ``'error'``, ``'repeat'`` or ``'zeros'`` (see
            above; ``'zero'`` is accepted for ``'zeros'``). Defaults to
            ``'error'``.
        max_len (int, optional): ``'waveform'`` only: final window length.
        filling (str): ``'waveform'`` only: how a short window is filled
            (``'repeatpad'``, ``'repeat'``, ``'pad'``). Defaults to
            ``'repeatpad'``.
        quantize (bool): ``'waveform'`` only: CLAP's int16 round trip.
            Defaults to False.
        cache (dict, optional): ``dict(dir=DIR, on_miss='error')`` reads
            the inputs from the audio cache that
            ``tools/dataset_converters/cache_audio.py`` fills (identical
            arrays; the key covers the clip's files, or the sample's
            ``negative_audio`` spec, see :mod:`mmavs.datasets.audio_cache`).
            A missing entry raises
            :class:`~mmavs.datasets.audio_cache.AudioCacheMissError` naming
            the clip, unless ``on_miss='compute'`` (computed on the fly and
            counted in a warning). In-memory audio (``audio_waveform``) is
            never cached: it is always computed. Defaults to None (no
            cache).
    """

    def __init__(self,
                 representation: str = 'vggish',
                 sample_rate: Optional[int] = None,
                 res_type: str = 'kaiser_best',
                 pad_mode: str = 'error',
                 max_len: Optional[int] = None,
                 filling: str = 'repeatpad',
                 quantize: bool = False,
                 cache: Optional[dict] = None) -> None:
        if representation not in REPRESENTATIONS:
            raise ValueError(f'representation must be one of '
                             f'{REPRESENTATIONS}, got {representation!r}')
        pad_mode = {'zero': 'zeros'}.get(pad_mode, pad_mode)
        if pad_mode not in PAD_MODES:
            raise ValueError(f'pad_mode must be one of {PAD_MODES}, got '
                             f'{pad_mode!r}')
        if representation == 'vggish':
            if sample_rate not in (None, VGGISH_SAMPLE_RATE):
                raise ValueError('VGGish examples are computed at 16000 Hz; '
                                 f'got sample_rate={sample_rate}')
            sample_rate = VGGISH_SAMPLE_RATE
        elif representation == 'waveform' and sample_rate is None:
            sample_rate = 48000
        self.representation = representation
        self.sample_rate = sample_rate
        self.res_type = res_type
        self.pad_mode = pad_mode
        self.max_len = max_len
        self.filling = filling
        self.quantize = quantize
        if cache is not None:
            cache = dict(cache)
            unknown = set(cache) - {'dir', 'on_miss'}
            if unknown or not cache.get('dir'):
                raise ValueError(
                    "cache must be dict(dir=DIR, on_miss='error'|'compute'), "
                    f'got {cache}')
            cache.setdefault('on_miss', 'error')
            if cache['on_miss'] not in CACHE_ON_MISS:
                raise ValueError(f'cache on_miss must be one of '
                                 f'{CACHE_ON_MISS}, got {cache["on_miss"]!r}')
        self.cache = cache
        self._padded_clips = set()
        self._padding_notes: List[dict] = []
        self._cache_misses = 0

    # ------------------------------------------------------------------
    # the length policy
    # ------------------------------------------------------------------
    @property
    def num_padded_clips(self) -> int:
        """Clips this transform padded (in this process)."""
        return len(self._padded_clips)

    def _short_audio(self,
                     results: dict,
                     source: str,
                     have: float,
                     need: float,
                     unit: str = 's',
                     detail: str = '') -> str:
        """Apply ``pad_mode`` to a track shorter than its clip.

        Returns:
            str: The padding to use (``'repeat'`` or ``'zeros'``).

        Raises:
            AudioTooShortError: With ``pad_mode='error'``.
        """
        clip = results.get('clip_id', '?')
        amount = (f'lasts {have:.3f} s, but the clip needs {need:.3f} s'
                  if unit == 's' else
                  f'has {int(have)} {unit}, but the clip needs {int(need)}')
        detail = f' ({detail})' if detail else ''
        note = f'audio {source} {amount}{detail}'
        if self.pad_mode == 'error':
            raise AudioTooShortError(
                f'clip {clip}: {note}. '
                "LoadAVAudio(pad_mode='error') refuses short audio; set "
                "pad_mode='repeat' or 'zeros' to pad it (each padded clip "
                'is counted in a warning)')
        self._padding_notes.append(dict(source=source, note=note))
        self._count_padding(clip, source, note)
        return self.pad_mode

    def _count_padding(self, clip: str, source: str, note: str) -> None:
        """Count a padded clip; warn the first time it is padded."""
        key = (clip, source)
        if key not in self._padded_clips:
            self._padded_clips.add(key)
            warnings.warn(
                AudioPaddingWarning(
                    f'clip {clip}: {note}; '
                    f'padded with pad_mode={self.pad_mode!r} '
                    f'({len(self._padded_clips)} clip(s) padded so far by '
                    'this LoadAVAudio)'),
                stacklevel=3)

    def _fit_examples(self, results: dict, examples: np.ndarray,
                      num_valid: int, per_frame: int, have_seconds: float,
                      source: str) -> np.ndarray:
        """VGGish examples ``[num_valid, per_frame, 96, 64]``."""
        need = num_valid * per_frame
        mode = 'repeat'
        if examples.shape[0] < need:
            mode = self._short_audio(
                results,
                source,
                have_seconds,
                _vggish_seconds(need),
                detail=f'{need} VGGish examples of 0.96 s for {num_valid} '
                f'frame(s)')
        examples = fit_length(examples, need, mode)
        return examples.reshape(num_valid, per_frame, *examples.shape[1:])

    # ------------------------------------------------------------------
    # where the audio comes from
    # ------------------------------------------------------------------
    def _clip_source(self, results: dict) -> '_AudioSource':
        """The clip's own audio."""
        clip = results.get('clip_id', '?')
        if self.representation == 'feature':
            if 'audio_feat_path' not in results:
                raise KeyError(f'clip {clip}: representation="feature" needs '
                               'audio_feat_path')
            path = results['audio_feat_path']
            return _AudioSource(name=str(path), feat_path=path)
        if results.get('audio_waveform') is not None:
            data, rate = results['audio_waveform']
            data = to_mono(np.asarray(data, dtype=np.float64))
            name = str(results.get('audio_source', '<in-memory waveform>'))
            if data.shape[-1] == 0:
                raise AudioFileError(f'clip {clip}: audio {name} is empty')
            return _AudioSource(name=name, wave=(data, int(rate)))
        if 'audio_path' not in results:
            raise KeyError(f'clip {clip}: representation='
                           f'{self.representation!r} needs audio_path (or '
                           'an in-memory audio_waveform)')
        paths = results['audio_path']
        paths = [paths] if isinstance(paths, str) else list(paths)
        return _AudioSource(
            name=' + '.join(str(p) for p in paths),
            paths=paths,
            pans=results.get('audio_pan'),
            crop=results.get('audio_crop_seconds'))

    def _file_source(self, results: dict, path: str, pipeline: str,
                     pans: Optional[Sequence[float]],
                     crop: Optional[float]) -> '_AudioSource':
        """A recording used as negative audio."""
        if self.representation == 'feature' or \
                pipeline == 'librosa_official':
            return _AudioSource(
                name=f'{path} (negative audio)',
                wave=negative_waveform(dict(source='file', path=path), 0.0),
                pipeline=pipeline)
        return _AudioSource(name=str(path), paths=[path], pans=pans, crop=crop)

    def _negative_source(self, results: dict, spec: dict) -> '_AudioSource':
        """The negative audio named by ``spec`` (see the class docstring)."""
        clip = results.get('clip_id', '?')
        pipeline = spec.get('feature_pipeline', 'consistent')
        if pipeline not in FEATURE_PIPELINES:
            raise ValueError(f'clip {clip}: feature_pipeline must be one of '
                             f'{FEATURE_PIPELINES}, got {pipeline!r}')
        source = spec.get('source')
        if source in ('silence', 'noise'):
            spec = dict(spec)
            spec['sample_rate'] = (
                spec.get('sample_rate') or self.sample_rate or 16000)
            seconds = int(results['num_frames']) * float(
                results.get('audio_seconds_per_frame', 1.0))
            return _AudioSource(
                name=f'generated {source} (negative audio)',
                wave=negative_waveform(spec, seconds),
                pans=results.get('audio_pan'),
                pipeline=pipeline)
        if source == 'file':
            return self._file_source(results, spec['path'], pipeline, None,
                                     results.get('audio_crop_seconds'))
        if source == 'feature_file':
            if self.representation != 'feature':
                raise ValueError(
                    f'clip {clip}: {spec.get("origin", "negative_audio")} '
                    f'gives the feature file {spec["path"]}, but the audio '
                    f'representation is {self.representation!r}; give audio '
                    "files or use representation='feature'")
            return _AudioSource(
                name=str(spec['path']), feat_path=spec['path'])
        if source == 'clip':
            return self._other_clip_source(results, spec, pipeline)
        raise ValueError(f'clip {clip}: negative_audio source must be '
                         "'silence', 'noise', 'file', 'feature_file' or "
                         f"'clip', got {source!r}")

    def _other_clip_source(self, results: dict, spec: dict,
                           pipeline: str) -> '_AudioSource':
        """The audio of another clip (off-screen sound)."""
        other = spec.get('clip_id', '?')
        if self.representation == 'feature' and pipeline == 'consistent':
            path = spec.get('audio_feat_path')
            if path is None:
                raise KeyError(f'clip {results.get("clip_id", "?")}: '
                               f'off-screen source clip {other} has no '
                               'audio_feat_path')
            return _AudioSource(name=str(path), feat_path=path)
        path = spec.get('audio_path')
        if path is None:
            raise KeyError(
                f'clip {results.get("clip_id", "?")}: off-screen source clip '
                f'{other} has no audio_path (needed for representation '
                f'{self.representation!r} / feature_pipeline {pipeline!r})')
        if not isinstance(path, str):
            raise ValueError(
                f'clip {results.get("clip_id", "?")}: off-screen source clip '
                f'{other} has several audio files; expected one')
        crop = spec['audio_crop_seconds'] if 'audio_crop_seconds' in spec \
            else results.get('audio_crop_seconds')
        return self._file_source(results, path, pipeline,
                                 spec.get('audio_pan'), crop)

    # ------------------------------------------------------------------
    # the front-ends
    # ------------------------------------------------------------------
    def _mixture(self, results: dict, src: '_AudioSource', sample_rate: int,
                 res_type: str) -> np.ndarray:
        """A generated waveform resampled, or the clip's audio sources
        loaded, cropped, panned and summed."""
        if src.wave is not None:
            data, sr = src.wave
            return resample(data, sr, sample_rate, res_type=res_type)
        paths = src.paths
        if not paths:
            raise AudioFileError(
                f'clip {results.get("clip_id", "?")}: empty audio_path list')
        pans = src.pans
        if pans is not None and len(pans) != len(paths):
            raise ValueError(f'clip {results.get("clip_id", "?")}: '
                             f'{len(pans)} audio_pan values for '
                             f'{len(paths)} audio files')
        crop = src.crop
        mix = None
        for i, path in enumerate(paths):
            wave, _ = load_audio(
                path, sample_rate=sample_rate, mono=True, res_type=res_type)
            if crop:
                num = int(round(crop * sample_rate))
                if wave.shape[-1] < num:
                    mode = self._short_audio(
                        results,
                        path,
                        wave.shape[-1] / sample_rate,
                        crop,
                        detail='audio_crop_seconds')
                    if mode == 'zeros':
                        wave = np.pad(wave, (0, num - wave.shape[-1]))
                wave = centre_crop_or_tile(wave, num)
            if pans is not None:
                wave = pan_to_stereo(wave, float(pans[i]))
            if mix is not None and mix.shape[-1] != wave.shape[-1]:
                raise ValueError(
                    f'clip {results.get("clip_id", "?")}: audio {path} has '
                    f'{wave.shape[-1]} samples, expected {mix.shape[-1]} '
                    'like the other sources (set audio_crop_seconds to mix '
                    'sources of different lengths)')
            mix = wave if mix is None else mix + wave
        return mix

    def _vggish(self, results: dict, src: '_AudioSource', seconds: float,
                num_valid: int) -> np.ndarray:
        if src.pans is not None:
            raise ValueError(
                f'clip {results.get("clip_id", "?")}: VGGish examples are '
                'mono; stereo (audio_pan) needs representation="waveform"')
        wave = self._mixture(results, src, VGGISH_SAMPLE_RATE, self.res_type)
        examples = waveform_to_vggish_examples(
            wave, VGGISH_SAMPLE_RATE, source=src.name)
        per_frame = max(1, int(round(seconds / VGGISH_EXAMPLE_HOP_SECONDS)))
        return self._fit_examples(results, examples, num_valid, per_frame,
                                  wave.shape[-1] / VGGISH_SAMPLE_RATE,
                                  src.name)

    def _waveform(self, results: dict, src: '_AudioSource', seconds: float,
                  num_valid: int) -> np.ndarray:
        wave = self._mixture(results, src, self.sample_rate, self.res_type)
        have = wave.shape[-1] / self.sample_rate
        mode = 'repeat'
        if have < num_valid * seconds - SHORT_TOLERANCE_SECONDS:
            mode = self._short_audio(
                results,
                src.name,
                have,
                num_valid * seconds,
                detail=f'{num_valid} window(s) of {seconds:g} s')
        windows = waveform_windows(
            wave,
            self.sample_rate,
            num_valid,
            window_seconds=seconds,
            max_len=self.max_len,
            filling=self.filling,
            pad_mode=mode)
        if self.quantize:
            windows = clap_quantize(windows)
        return windows.astype(np.float32)

    def _feature(self, results: dict, path: str,
                 num_valid: int) -> np.ndarray:
        feat = load_audio_feature(path)
        mode = 'repeat'
        if feat.shape[0] < num_valid:
            mode = self._short_audio(
                results,
                str(path),
                feat.shape[0],
                num_valid,
                unit='row(s)',
                detail='one row per frame')
        return fit_length(feat, num_valid, mode)

    def _waveform_feature(self, results: dict, src: '_AudioSource',
                          seconds: float, num_valid: int) -> np.ndarray:
        """Log-mel examples ``[num_valid, 1, 96, 64]`` of a negative
        waveform, for ``'feature'`` inputs or the librosa pipeline."""
        data, sr = src.wave
        if src.pipeline == 'librosa_official':
            if data.shape[-1] / sr < num_valid * seconds:
                # the official pipeline zero-pads a short recording itself
                self._short_audio(results, src.name, data.shape[-1] / sr,
                                  num_valid * seconds)
            rows = official_robust_log_mel(
                data, sr, num_segments=num_valid, seconds=num_valid * seconds)
        else:
            ex = waveform_to_vggish_examples(
                data, sr, res_type=self.res_type, source=src.name)
            per_frame = max(1,
                            int(round(seconds / VGGISH_EXAMPLE_HOP_SECONDS)))
            rows = self._fit_examples(results, ex, num_valid, per_frame,
                                      data.shape[-1] / sr, src.name)
        if self.representation == 'feature' and 'audio_feat_path' in results:
            ref = load_audio_feature(results['audio_feat_path'])
            if ref.shape[1:] != rows.shape[1:]:
                raise ValueError(
                    f'clip {results.get("clip_id", "?")}: the positive audio '
                    f'feature {results["audio_feat_path"]} has per-frame '
                    f'shape {ref.shape[1:]}, but negative audio computed on '
                    f'the fly ({src.pipeline}) has {rows.shape[1:]}; give '
                    'precomputed negative files (negative_files of '
                    'RobustAVSDataset) for this representation')
        return rows

    # ------------------------------------------------------------------
    # the audio cache
    # ------------------------------------------------------------------
    def loader_params(self) -> dict:
        """The parameters a cached input depends on."""
        return {k: getattr(self, k) for k in LOADER_PARAMS}

    def cache_key(self, results: dict) -> str:
        """The cache key of the audio input of ``results`` (see
        :mod:`mmavs.datasets.audio_cache`).

        Raises:
            ValueError: If ``results`` holds an in-memory ``audio_waveform``
                (never cached).
        """
        return audio_cache_key(results, self.loader_params())

    def compute_cache_entry(self, results: dict) -> Tuple[np.ndarray, dict]:
        """Compute the audio input of ``results`` on the fly (never from
        the cache) with what a cache entry stores about it.

        Args:
            results (dict): The clip dict (not modified).

        Returns:
            tuple[np.ndarray, dict]: The array :meth:`transform` returns as
            ``audio`` and the entry's metadata.
        """
        out = self._load(dict(results))
        meta = dict(
            clip_id=str(results.get('clip_id', '?')),
            source=self._describe_source(results),
            padding=list(self._padding_notes),
            loader=self.loader_params())
        if 'audio_sample_rate' in out:
            meta['audio_sample_rate'] = int(out['audio_sample_rate'])
        return out['audio'], meta

    @staticmethod
    def _describe_source(results: dict) -> str:
        """Where the audio input of ``results`` comes from, for messages
        (cheap: reads no file)."""
        spec = results.get('negative_audio')
        if spec is not None:
            where = spec.get('path') or spec.get('audio_path') or \
                spec.get('audio_feat_path') or spec.get('source')
            return (f'negative audio ({spec.get("origin", spec.get("source"))}'
                    f'): {where}')
        paths = results.get('audio_path', results.get('audio_feat_path'))
        if isinstance(paths, (list, tuple)):
            return ' + '.join(str(p) for p in paths)
        return str(paths)

    def _from_cache(self, results: dict) -> dict:
        clip = results.get('clip_id', '?')
        path = cache_entry_path(self.cache['dir'], self.representation,
                                self.cache_key(results))
        if not osp.isfile(path):
            if self.cache['on_miss'] == 'error':
                raise AudioCacheMissError(
                    f'clip {clip}: its audio input ({self.representation}, '
                    f'from {self._describe_source(results)}) is not in the '
                    f'audio cache: no entry {path}. Fill the cache with '
                    'tools/dataset_converters/cache_audio.py CONFIG (an '
                    'audio file changed since, or other LoadAVAudio '
                    'parameters, also give another key), or set '
                    "on_miss='compute' to compute missing inputs on the fly")
            self._cache_misses += 1
            warnings.warn(
                AudioCacheMissWarning(
                    f'clip {clip}: audio input not in the cache ({path}); '
                    f'computed on the fly ({self._cache_misses} miss(es) so '
                    'far in this LoadAVAudio)'),
                stacklevel=2)
            return self._load(results)
        audio, meta = load_cache_entry(path)
        for pad in meta.get('padding', []):
            self._count_padding(clip, pad['source'], pad['note'])
        results['audio'] = audio
        results['audio_representation'] = self.representation
        if 'audio_sample_rate' in meta:
            results['audio_sample_rate'] = meta['audio_sample_rate']
        return results

    @property
    def num_cache_misses(self) -> int:
        """Inputs computed on the fly because the cache lacked them
        (``on_miss='compute'``, in this process)."""
        return self._cache_misses

    # ------------------------------------------------------------------
    def transform(self, results: dict) -> dict:
        """Load the audio input of the clip or of its negative audio (from
        the cache when one is set and the audio is not in memory).

        Args:
            results (dict): The clip dict.

        Returns:
            dict: ``results`` with ``audio`` and its metadata.
        """
        if self.cache is not None and results.get('audio_waveform') is None:
            return self._from_cache(results)
        return self._load(results)

    def _load(self, results: dict) -> dict:
        """Compute the audio input (see :meth:`transform`)."""
        self._padding_notes = []
        num_frames = int(results['num_frames'])
        valid: List[bool] = list(results.get('valid', [True] * num_frames))
        num_valid = int(sum(valid))
        if num_valid == 0:
            raise ValueError(f'clip {results.get("clip_id", "?")} has no '
                             'valid frame')
        spec = results.get('negative_audio')
        src = (
            self._clip_source(results)
            if spec is None else self._negative_source(results, spec))
        seconds = float(results.get('audio_seconds_per_frame', 1.0))
        if src.wave is not None and (self.representation == 'feature'
                                     or src.pipeline == 'librosa_official'):
            if self.representation == 'waveform':
                raise ValueError(
                    f'clip {results.get("clip_id", "?")}: feature_pipeline='
                    "'librosa_official' gives log-mel inputs; it cannot feed "
                    "representation='waveform'")
            rows = self._waveform_feature(results, src, seconds, num_valid)
        elif src.feat_path is not None:
            rows = self._feature(results, src.feat_path, num_valid)
        else:
            if self.representation == 'vggish':
                rows = self._vggish(results, src, seconds, num_valid)
            else:
                rows = self._waveform(results, src, seconds, num_valid)
            results['audio_sample_rate'] = self.sample_rate
        audio = np.zeros((num_frames, ) + rows.shape[1:], np.float32)
        audio[np.asarray(valid, dtype=bool)] = rows
        results['audio'] = audio
        results['audio_representation'] = self.representation
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(representation='
                f"'{self.representation}', sample_rate={self.sample_rate}, "
                f"res_type='{self.res_type}', pad_mode='{self.pad_mode}', "
                f'max_len={self.max_len}, filling={self.filling!r}, '
                f'quantize={self.quantize}, cache={self.cache})')
