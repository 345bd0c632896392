# Copyright (c) mmavs contributors. All rights reserved.
"""A disk cache of the audio inputs :class:`LoadAVAudio` computes.

Decoding, resampling (resampy's ``kaiser_best`` for VGGish) and framing
the audio of every clip on every epoch keeps dataloader workers busy;
``tools/dataset_converters/cache_audio.py CONFIG`` computes each sample's
audio input once and stores the array :class:`LoadAVAudio` returns, and
``LoadAVAudio(cache=dict(dir=...))`` (or ``audio_cache = dict(dir=...)`` in
a config, see :func:`apply_audio_cache`) reads it back: the tensors are the
very arrays the transform computed, so training with and without the cache
is bit-identical.

**Key.** A SHA-256 of (see :func:`audio_cache_key`):

- the cache format version;
- the transform's parameters (``representation``, ``sample_rate``,
  ``res_type``, ``pad_mode``, ``max_len``, ``filling``, ``quantize``);
- every clip key the transform reads: ``num_frames``, ``valid``,
  ``audio_seconds_per_frame``, ``audio_crop_seconds``, ``audio_pan``;
- for the clip's own audio, each source file (``audio_path`` entries, or
  ``audio_feat_path`` for ``representation='feature'``) as its absolute
  path, size and modification time (ns);
- for a negative sample of :class:`~mmavs.datasets.RobustAVSDataset`, its
  per-sample ``negative_audio`` spec instead (the input depends on the spec,
  not on the clip's own files): every field that :class:`LoadAVAudio` reads
  (``source``, ``feature_pipeline``, ``sample_rate``, the noise's
  ``noise_seed`` / ``noise_amplitude`` / ``noise_distribution``, the
  off-screen clip's ``audio_crop_seconds`` / ``audio_pan``), with each file
  it names (``path``, ``audio_path``, ``audio_feat_path``) stamped as
  above; ``origin`` and the off-screen ``clip_id`` only name the source in
  messages and are left out.

The clip id is not part of the key (samples with the same audio share an
entry, e.g. two samples with the same silence spec). A changed file, a
changed parameter or another negative spec gets another key: its entry is
missing rather than stale. Robust negatives are therefore cached like
positives (``cache_audio.py`` on a ``RobustAVSDataset`` config writes one
entry per distinct spec).

In-memory audio (``audio_waveform``, inference on a video) has no file to
stamp: it is never cached, :func:`audio_cache_key` refuses it and
``LoadAVAudio`` computes it even when a cache is set.

**Entries.** ``DIR/{representation}/{key[:2]}/{key}.npz`` holding ``audio``
(the float32 array) and ``meta`` (JSON: the clip that computed it, its
sources, and the padding the length policy applied, so that padding is
still counted when it is read from the cache).

**Misses.** ``on_miss='error'`` (default) raises
:class:`AudioCacheMissError` naming the clip, its sources and the entry;
``on_miss='compute'`` (opt-in) computes the input on the fly and counts the
misses in an :class:`AudioCacheMissWarning`. Nothing is recomputed
silently, and the loader never writes to the cache.
"""
import hashlib
import json
import os
import os.path as osp
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from .audio_io import AudioFileError

__all__ = [
    'CACHE_VERSION', 'AudioCacheMissError', 'AudioCacheMissWarning',
    'audio_cache_key', 'cache_entry_path', 'save_cache_entry',
    'load_cache_entry', 'apply_audio_cache', 'CACHE_ON_MISS',
    'AUDIO_LOADER_TYPES', 'find_audio_loader', 'cache_sample'
]

#: Bump when the stored arrays would change for equal keys.
CACHE_VERSION = 2

#: What a cache miss does.
CACHE_ON_MISS = ('error', 'compute')

#: Transforms that take the ``cache`` argument.
AUDIO_LOADER_TYPES = ('LoadAVAudio', )

#: The transform parameters an entry depends on.
LOADER_PARAMS = ('representation', 'sample_rate', 'res_type', 'pad_mode',
                 'max_len', 'filling', 'quantize')

#: The clip keys an entry depends on (besides its files).
CLIP_KEYS = ('num_frames', 'valid', 'audio_seconds_per_frame',
             'audio_crop_seconds', 'audio_pan')

#: Fields of a ``negative_audio`` spec that name files (stamped in the key).
SPEC_FILE_KEYS = ('path', 'audio_path', 'audio_feat_path')

#: Fields of a ``negative_audio`` spec used only in messages (not keyed).
SPEC_MESSAGE_KEYS = ('origin', 'clip_id')


class AudioCacheMissError(AudioFileError):
    """A sample's audio input is not in the cache (``on_miss='error'``)."""


class AudioCacheMissWarning(UserWarning):
    """Audio inputs computed on the fly (``on_miss='compute'``)."""


def _stamp(path: str) -> Dict[str, Any]:
    """A file as its absolute path, size and modification time."""
    path = str(path)
    full = osp.normpath(osp.abspath(path))
    try:
        st = os.stat(full)
    except OSError:
        return dict(path=full, missing=True)
    return dict(path=full, size=int(st.st_size), mtime_ns=int(st.st_mtime_ns))


def _jsonable(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (np.integer, )):
        return int(value)
    if isinstance(value, (np.floating, )):
        return float(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def cache_inputs(results: dict, params: Dict[str, Any]) -> Dict[str, Any]:
    """Everything the audio input of ``results`` depends on (the key's
    content, see the module docstring).

    Args:
        results (dict): The clip dict given to the audio transform.
        params (dict): The transform's :data:`LOADER_PARAMS`.

    Returns:
        dict: JSON-able inputs.

    Raises:
        ValueError: If ``results`` holds an in-memory ``audio_waveform``.
    """
    if results.get('audio_waveform') is not None:
        raise ValueError(
            f'clip {results.get("clip_id", "?")}: in-memory audio '
            f'({results.get("audio_source", "audio_waveform")}) is never '
            'cached; it has no file to key the entry by')
    inputs = dict(
        version=CACHE_VERSION,
        loader={k: _jsonable(params.get(k))
                for k in LOADER_PARAMS},
        clip={k: _jsonable(results.get(k))
              for k in CLIP_KEYS})
    spec = results.get('negative_audio')
    if spec is not None:
        inputs['negative_audio'] = _spec_inputs(spec)
    elif params.get('representation') == 'feature':
        feat = results.get('audio_feat_path')
        inputs['feature'] = _stamp(feat) if feat else None
    else:
        inputs['sources'] = _stamps(results.get('audio_path'))
    return inputs


def _stamps(paths) -> List[Dict[str, Any]]:
    """Stamps of one path or a list of paths (``[]`` for None)."""
    paths = [] if paths is None else (
        [paths] if isinstance(paths, str) else list(paths))
    return [_stamp(p) for p in paths]


def _spec_inputs(spec: dict) -> Dict[str, Any]:
    """A ``negative_audio`` spec as key content: its files stamped, its
    message-only fields dropped."""
    out = {}
    for key, value in dict(spec).items():
        if key in SPEC_MESSAGE_KEYS:
            continue
        out[str(key)] = (
            _stamps(value) if key in SPEC_FILE_KEYS else _jsonable(value))
    return out


def audio_cache_key(results: dict, params: Dict[str, Any]) -> str:
    """The cache key of a sample's audio input (SHA-256 hex digest).

    Args:
        results (dict): The clip dict given to the audio transform.
        params (dict): The transform's parameters.

    Returns:
        str: 64 hex characters.
    """
    text = json.dumps(cache_inputs(results, params), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def cache_entry_path(cache_dir: str, representation: str, key: str) -> str:
    """``DIR/{representation}/{key[:2]}/{key}.npz``."""
    return osp.join(cache_dir, representation, key[:2], key + '.npz')


def save_cache_entry(path: str, audio: np.ndarray, meta: dict) -> None:
    """Write an entry atomically (a temporary file, then a rename)."""
    os.makedirs(osp.dirname(path), exist_ok=True)
    tmp = f'{path}.tmp-{os.getpid()}.npz'
    np.savez(
        tmp,
        audio=np.asarray(audio),
        meta=np.array(json.dumps(_jsonable(meta), sort_keys=True)))
    os.replace(tmp, path)


def load_cache_entry(path: str) -> Tuple[np.ndarray, dict]:
    """Read an entry.

    Returns:
        tuple[np.ndarray, dict]: The stored array and its metadata.

    Raises:
        AudioFileError: If the entry cannot be read.
    """
    try:
        with np.load(path, allow_pickle=False) as data:
            audio = data['audio']
            meta = json.loads(str(data['meta']))
    except (OSError, ValueError, KeyError) as err:
        raise AudioFileError(
            f'cannot read audio cache entry {path}: {err}; delete it and '
            'rerun tools/dataset_converters/cache_audio.py') from err
    return audio, meta


def _dataset_cfgs(dataset_cfg) -> List[dict]:
    """The dataset config and those it wraps (``dataset``, ``datasets``)."""
    out = [dataset_cfg]
    inner = dataset_cfg.get('dataset')
    if isinstance(inner, dict):
        out += _dataset_cfgs(inner)
    for inner in dataset_cfg.get('datasets', None) or []:
        if isinstance(inner, dict):
            out += _dataset_cfgs(inner)
    return out


def apply_audio_cache(cfg, cache: Optional[dict] = None) -> int:
    """Make every audio loader of a config's dataloaders read the cache.

    The switch is the top-level config key ``audio_cache = dict(dir=DIR,
    on_miss='error')`` (or ``--cfg-options audio_cache.dir=DIR``):
    ``mmavs.utils.load_config`` calls this function, which sets
    ``cache=audio_cache`` on each :data:`AUDIO_LOADER_TYPES` transform of
    the train / val / test dataloaders' pipelines (wrapped datasets
    included). ``LoadAVAudio(cache=...)`` may also be written in a
    pipeline directly.

    Args:
        cfg (mmengine.Config): The config (changed in place).
        cache (dict, optional): The cache settings; defaults to
            ``cfg.audio_cache``.

    Returns:
        int: Number of transforms switched (0 when no cache is set).

    Raises:
        ValueError: If a cache is set but no audio loader is found, or it
            lacks ``dir``.
    """
    cache = cache if cache is not None else cfg.get('audio_cache', None)
    if not cache:
        return 0
    cache = dict(cache)
    if not cache.get('dir'):
        raise ValueError(f'audio_cache must name its folder: '
                         f"audio_cache=dict(dir='data/audio_cache'), got "
                         f'{cache}')
    count = 0
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg.get(name, None)
        if not loader or not loader.get('dataset'):
            continue
        for ds in _dataset_cfgs(loader['dataset']):
            for transform in ds.get('pipeline', None) or []:
                kind = str(transform.get('type', '')).split('.')[-1]
                if kind in AUDIO_LOADER_TYPES:
                    transform['cache'] = dict(cache)
                    count += 1
    if count == 0:
        raise ValueError('audio_cache is set, but no dataloader pipeline '
                         f'holds one of {AUDIO_LOADER_TYPES}')
    return count


def find_audio_loader(dataset):
    """The audio transform of a dataset's pipeline (wrappers such as
    ``RobustAVSDataset`` are searched through their ``dataset``).

    Raises:
        ValueError: If the pipeline has none.
    """
    from .transforms.audio import LoadAVAudio
    current = dataset
    while current is not None:
        pipeline = getattr(current, 'pipeline', None)
        for transform in getattr(pipeline, 'transforms', []) or []:
            if isinstance(transform, LoadAVAudio):
                return transform
        current = getattr(current, 'dataset', None)
    raise ValueError(f'{type(dataset).__name__}: no LoadAVAudio in its '
                     'pipeline; nothing to cache')


def cache_sample(dataset, loader, index: int, cache_dir: str) -> str:
    """Compute and store the audio input of one sample unless cached.

    Args:
        dataset: The dataset (its ``get_data_info`` gives what the loader
            receives, negative-audio specs of wrappers included).
        loader (LoadAVAudio): The audio transform (its cache, if any, is
            ignored: the input is computed).
        index (int): Sample index.
        cache_dir (str): The cache folder.

    Returns:
        str: ``'written'`` or ``'exists'``.
    """
    info = dataset.get_data_info(index)
    path = cache_entry_path(cache_dir, loader.representation,
                            loader.cache_key(info))
    if osp.isfile(path):
        return 'exists'
    audio, meta = loader.compute_cache_entry(info)
    save_cache_entry(path, audio, meta)
    return 'written'
