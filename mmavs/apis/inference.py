# Copyright (c) mmavs contributors. All rights reserved.
"""Build a model for inference and run it on one clip.

:func:`init_model` builds the model of a config and loads a checkpoint with
the library's strict, weights-only loader
(:func:`~mmavs.utils.model_checkpoint.load_model_checkpoint`).
:class:`ClipPipeline` turns a clip (frames + audio) into model inputs with
the config's own test pipeline; :func:`inference_model` runs it on one clip.
"""
import inspect
import os
import os.path as osp
import re
import warnings
from typing import List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
from mmcv.transforms import Compose
from mmengine.config import Config, ConfigDict
from mmengine.model import revert_sync_batchnorm
from mmseg.structures import SegDataSample
from torch import nn

__all__ = [
    'init_model', 'inference_model', 'ClipPipeline', 'clip_length_of',
    'dataset_meta_of', 'list_frame_files', 'AudioInput', 'load_audio_input'
]

#: Image files a frame folder may hold.
FRAME_EXTS = ('.png', '.jpg', '.jpeg', '.bmp', '.webp')

#: (waveform [C, L] or [L], sample rate, name for messages)
AudioInput = Tuple[np.ndarray, int, str]

ConfigLike = Union[str, Config, ConfigDict]


def _load_cfg(config: ConfigLike,
              cfg_options: Optional[dict] = None) -> Config:
    from mmavs.utils import load_config
    if isinstance(config, str):
        return load_config(config, cfg_options)
    if isinstance(config, (Config, ConfigDict)):
        cfg = Config(config.to_dict() if isinstance(config, Config) else
                     dict(config))
        if cfg_options:
            cfg.merge_from_dict(cfg_options)
        return cfg
    raise TypeError('config must be a file path or a Config, got '
                    f'{type(config).__name__}')


def _inner_dataset_cfg(cfg: Config) -> ConfigDict:
    """The test dataset config that holds the pipeline (unwrapping
    ``dataset=`` wrappers such as :class:`RobustAVSDataset`)."""
    loader = cfg.get('test_dataloader')
    if loader is None or 'dataset' not in loader:
        raise KeyError('the config has no test_dataloader.dataset; inference '
                       'uses its pipeline and clip length')
    ds = loader.dataset
    while 'pipeline' not in ds and isinstance(ds.get('dataset'), dict):
        ds = ds.dataset
    if 'pipeline' not in ds:
        raise KeyError('test_dataloader.dataset has no pipeline')
    return ds


def _dataset_class(ds_cfg: ConfigDict):
    from mmavs.registry import DATASETS
    cls = DATASETS.get(ds_cfg.get('type'))
    if cls is None:
        raise KeyError(f'unknown dataset type {ds_cfg.get("type")!r} in the '
                       'test dataloader')
    return cls


def clip_length_of(cfg: Config) -> int:
    """The clip length ``T`` the config's test dataset feeds the model.

    Args:
        cfg (Config): The config.

    Returns:
        int: ``num_frames`` of the test dataset (its config, else the
        dataset class's default: S4/MS3 5, AVSS 10, VPO 1).
    """
    from mmavs.utils import register_all_modules
    register_all_modules()
    ds = _inner_dataset_cfg(cfg)
    if ds.get('num_frames') is not None:
        return int(ds.num_frames)
    cls = _dataset_class(ds)
    if getattr(cls, 'NUM_FRAMES', None):
        return int(cls.NUM_FRAMES)
    for klass in cls.__mro__:
        if '__init__' not in vars(klass):
            continue
        param = inspect.signature(klass.__init__).parameters.get('num_frames')
        if param is not None and param.default is not inspect._empty:
            return int(param.default)
    raise KeyError(f'cannot tell the clip length of {cls.__name__}; set '
                   'test_dataloader.dataset.num_frames')


def dataset_meta_of(cfg: Config) -> dict:
    """``classes`` and ``palette`` of the config's test dataset, from its
    class and config (no file is read)."""
    ds = _inner_dataset_cfg(cfg)
    cls = _dataset_class(ds)
    meta = dict(getattr(cls, 'METAINFO', {}))
    if ds.get('binary'):
        meta.update(
            classes=('background', 'sounding'),
            palette=[[0, 0, 0], [255, 255, 255]])
    meta.update(dict(ds.get('metainfo') or {}))
    return dict(classes=meta.get('classes'), palette=meta.get('palette'))


def init_model(config: ConfigLike,
               checkpoint: Optional[str] = None,
               device: str = 'cpu',
               cfg_options: Optional[dict] = None,
               allow_partial: bool = False) -> nn.Module:
    """Build the model of a config and load a checkpoint into it.

    The checkpoint is read with ``weights_only=True`` and the allow-list of
    :mod:`mmavs.compat.checkpoint`, and must fit the model exactly
    (:func:`~mmavs.utils.model_checkpoint.load_model_checkpoint`): a
    checkpoint of another model is an error naming the file and the keys
    that differ. Pretrained-weight ``init_cfg`` entries are not loaded (the
    checkpoint holds every weight).

    Args:
        config (str | Config): Config file or object.
        checkpoint (str, optional): Checkpoint file. None leaves the weights
            random (with a warning).
        device (str): Device. Defaults to 'cpu'.
        cfg_options (dict, optional): Overrides of the config.
        allow_partial (bool): Load what fits and log the rest. Defaults to
            False.

    Returns:
        nn.Module: The model in eval mode, with ``cfg`` (the config) and
        ``dataset_meta`` (``classes`` and ``palette``: the checkpoint's,
        else the test dataset's).

    Raises:
        FileNotFoundError: The config or checkpoint does not exist.
        mmavs.utils.CheckpointMismatchError: The checkpoint does not fit.
    """
    from mmavs.registry import MODELS
    from mmavs.utils import load_model_checkpoint, register_all_modules
    register_all_modules()
    cfg = _load_cfg(config, cfg_options)
    model = MODELS.build(cfg.model)
    meta = None
    if checkpoint is not None:
        if '://' not in checkpoint and not osp.isfile(checkpoint):
            raise FileNotFoundError(f'checkpoint {checkpoint} does not exist')
        ckpt = load_model_checkpoint(
            model, checkpoint, map_location='cpu', allow_partial=allow_partial)
        meta = (ckpt.get('meta') or {}).get('dataset_meta')
    else:
        warnings.warn('init_model: no checkpoint given, the weights are '
                      'random')
    model.cfg = cfg
    model.dataset_meta = dict(
        classes=meta['classes'], palette=meta.get('palette')) if meta and \
        meta.get('classes') else dataset_meta_of(cfg)
    if device == 'cpu' or not torch.cuda.is_available():
        model = revert_sync_batchnorm(model)
    model.to(device)
    model.eval()
    return model


def _natural_key(name: str) -> list:
    return [int(t) if t.isdigit() else t for t in re.split(r'(\d+)', name)]


def list_frame_files(folder: str) -> List[str]:
    """The image files of a frame folder in natural order (``2.png`` before
    ``10.png``; AVSBench's ``vid.mp4_1.png`` ... ``vid.mp4_5.png``).

    Raises:
        FileNotFoundError: Not a folder, or no image file in it.
    """
    if not osp.isdir(folder):
        raise FileNotFoundError(f'frame folder not found: {folder}')
    files = [
        f for f in os.listdir(folder) if f.lower().endswith(FRAME_EXTS)
    ]
    if not files:
        raise FileNotFoundError(
            f'frame folder {folder} holds no image file; expected frames '
            f'({", ".join(FRAME_EXTS)})')
    return [osp.join(folder, f) for f in sorted(files, key=_natural_key)]


def load_audio_input(audio: Union[str, Tuple[np.ndarray, int]],
                     name: str = '<waveform>') -> AudioInput:
    """A wav path or ``(waveform, sample_rate)`` as an :data:`AudioInput`.

    A file is read at its own rate without mixing channels (the config's
    audio transform mixes and resamples, as for the dataset's files).
    """
    from mmavs.datasets.audio_io import load_audio
    if isinstance(audio, str):
        wave, rate = load_audio(audio, sample_rate=None, mono=False)
        return np.atleast_2d(wave), rate, audio
    if isinstance(audio, (tuple, list)) and len(audio) == 2:
        wave = np.atleast_2d(np.asarray(audio[0], dtype=np.float64))
        if wave.ndim != 2 or wave.shape[1] == 0:
            raise ValueError(f'audio {name}: expected a waveform [L] or '
                             f'[C, L] with samples, got shape '
                             f'{np.shape(audio[0])}')
        return wave, int(audio[1]), name
    raise TypeError('audio must be a file path or (waveform, sample_rate), '
                    f'got {type(audio).__name__}')


class ClipPipeline:
    """The config's test pipeline, for clips of a user's video.

    Built from ``test_dataloader.dataset.pipeline`` (wrappers unwrapped):

    - :class:`LoadAVFrames` becomes :class:`AVInferencerLoader` with the
      same arguments (frame files decode as in ``tools/test.py``; decoded
      video frames are taken as arrays);
    - :class:`LoadAVAudio` is taken out and applied first, to in-memory
      waveforms (``audio_waveform``): the same resampling, VGGish framing or
      waveform windows and length policy as for a dataset's wav file;
    - :class:`LoadAVAnnotations` and other ground-truth transforms are
      dropped;
    - ``ClipResize(eval_at_resized=True)`` is turned off, so predictions
      come at the input frames' size (the logits are resized back, as the
      non-official test pipelines do).

    Precomputed audio features (``representation='feature'``) cannot be
    computed from a video: such a config is refused.

    Args:
        cfg (Config): The model's config.
    """

    #: Transforms that only load or change the ground truth.
    GT_TRANSFORMS = ('LoadAVAnnotations', )

    def __init__(self, cfg: Config) -> None:
        from mmavs.datasets.transforms import LoadAVAudio
        from mmavs.registry import TRANSFORMS
        from mmavs.utils import register_all_modules
        register_all_modules()
        steps = []
        audio = None
        found_frames = False
        for step in _inner_dataset_cfg(cfg).pipeline:
            step = dict(step)
            name = step['type']
            cls = TRANSFORMS.get(name) if isinstance(name, str) else name
            if name in self.GT_TRANSFORMS:
                continue
            if isinstance(cls, type) and issubclass(cls, LoadAVAudio):
                # a user's audio is not in the dataset's audio cache
                args = {
                    k: v
                    for k, v in step.items() if k not in ('type', 'cache')
                }
                audio = LoadAVAudio(**args)
                continue
            if name == 'LoadAVFrames':
                step['type'] = 'AVInferencerLoader'
                found_frames = True
            if name == 'ClipResize':
                step['eval_at_resized'] = False
            steps.append(step)
        if audio is None:
            raise KeyError('the test pipeline has no LoadAVAudio; inference '
                           'needs the audio transform of the model')
        if audio.representation == 'feature':
            raise ValueError(
                "the config's test pipeline reads precomputed audio features "
                "(LoadAVAudio representation='feature'), which cannot be "
                "computed from a video; use a config with representation="
                "'vggish' or 'waveform' (same model, audio from the wav)")
        if not found_frames:
            raise KeyError('the test pipeline has no LoadAVFrames')
        self.audio_transform = audio
        self.visual = Compose(steps)

    def audio_rows(self,
                   clip_id: str,
                   valid: Sequence[bool],
                   segment: Optional[AudioInput] = None,
                   windows: Optional[Sequence[AudioInput]] = None,
                   seconds_per_frame: float = 1.0) -> np.ndarray:
        """The model's audio input of one clip.

        Args:
            clip_id (str): For messages.
            valid (Sequence[bool]): Real (True) and padding frames.
            segment (AudioInput, optional): One waveform for the clip's
                valid frames, cut into one row per frame (benchmark mode:
                as an AVSBench clip's wav file).
            windows (Sequence[AudioInput], optional): One waveform per
                valid frame (dense mode).
            seconds_per_frame (float): Audio seconds per frame.

        Returns:
            np.ndarray: float32 ``[T, ...]`` (zeros for padding frames).
        """
        num = len(valid)
        if (segment is None) == (windows is None):
            raise ValueError('give segment or windows')
        if segment is not None:
            out = self.audio_transform(
                dict(
                    clip_id=clip_id,
                    num_frames=num,
                    valid=list(valid),
                    audio_waveform=segment[:2],
                    audio_source=segment[2],
                    audio_seconds_per_frame=seconds_per_frame))
            return out['audio']
        if len(windows) != int(sum(valid)):
            raise ValueError(f'clip {clip_id}: {len(windows)} audio windows '
                             f'for {int(sum(valid))} valid frames')
        rows = [
            self.audio_transform(
                dict(
                    clip_id=clip_id,
                    num_frames=1,
                    valid=[True],
                    audio_waveform=w[:2],
                    audio_source=w[2],
                    audio_seconds_per_frame=seconds_per_frame))['audio'][0]
            for w in windows
        ]
        audio = np.zeros((num, ) + rows[0].shape, np.float32)
        audio[np.asarray(valid, dtype=bool)] = np.stack(rows)
        return audio

    def __call__(self,
                 clip_id: str,
                 audio: np.ndarray,
                 valid: Sequence[bool],
                 frames: Optional[Sequence[Optional[np.ndarray]]] = None,
                 frame_paths: Optional[Sequence[Optional[str]]] = None,
                 **meta) -> dict:
        """Pack one clip (frames as arrays or files, audio rows).

        Args:
            clip_id (str): The clip's name.
            audio (np.ndarray): ``[T, ...]`` from :meth:`audio_rows`.
            valid (Sequence[bool]): Real and padding frames.
            frames (Sequence, optional): RGB uint8 arrays (None: padding).
            frame_paths (Sequence, optional): Frame files (None: padding).
            **meta: Extra clip-level keys.

        Returns:
            dict: ``inputs`` and ``data_samples`` (:class:`PackAVSInputs`).
        """
        if (frames is None) == (frame_paths is None):
            raise ValueError('give frames or frame_paths')
        num = len(valid)
        results = dict(
            meta,
            clip_id=clip_id,
            num_frames=num,
            valid=list(valid),
            labelled=[False] * num,
            audio=audio,
            audio_condition='positive')
        if frames is not None:
            results['frames'] = list(frames)
        else:
            results['frame_paths'] = list(frame_paths)
        return self.visual(results)


def inference_model(
        model: nn.Module,
        frames: Union[str, Sequence[str], np.ndarray, Sequence[np.ndarray]],
        audio: Union[str, Tuple[np.ndarray, int]]) -> List[SegDataSample]:
    """Segment one clip: its ``T`` frames and its audio.

    The clip is fed to the model as one dataset clip: frame ``t`` goes with
    the audio second ``[t, t + 1)`` counted from the start of ``audio``
    (the AVSBench convention), cut into rows by the config's audio
    transform.

    Args:
        model (nn.Module): From :func:`init_model`.
        frames: A frame folder, a list of frame files, an RGB uint8 array
            ``[T, H, W, 3]`` or a list of ``[H, W, 3]`` arrays.
        audio: A wav file, or ``(waveform [L] / [C, L], sample_rate)``.

    Returns:
        list[SegDataSample]: One per frame, with ``pred_sem_seg`` and
        ``seg_logits`` (raw logits) at the frames' size.
    """
    from mmavs.datasets import av_collate
    pipeline = ClipPipeline(model.cfg)
    if isinstance(frames, str):
        frames = list_frame_files(frames)
    if isinstance(frames, np.ndarray):
        if frames.ndim != 4:
            raise ValueError('frames must be [T, H, W, 3], got shape '
                             f'{frames.shape}')
        frames = list(frames)
    frames = list(frames)
    if not frames:
        raise ValueError('inference_model: no frame given')
    valid = [True] * len(frames)
    segment = load_audio_input(audio)
    rows = pipeline.audio_rows('clip', valid, segment=segment)
    key = 'frame_paths' if isinstance(frames[0], str) else 'frames'
    data = pipeline('clip', rows, valid, **{key: frames})
    with torch.no_grad():
        return model.test_step(av_collate([data]))
