# Copyright (c) mmavs contributors. All rights reserved.
"""AVSBench-Robust: any AVS dataset with negative audio (silence, noise,
off-screen sound, unseen recordings)."""
import copy
from typing import Any, Mapping, Optional, Sequence, Tuple, Union

import numpy as np
from mmengine.dataset import BaseDataset

from mmavs.registry import DATASETS, TRANSFORMS
from ..audio_features import FEATURE_PIPELINES
from ..audio_io import AUDIO_EXTENSIONS
from .conditions import (OFFICIAL_TRAIN_NEGATIVES, STANDARD_CONDITIONS,
                         TRAIN_LENGTHS, eval_layout, parse_conditions,
                         parse_noise_cfg, resolve_groups, train_layout)
from .offscreen import (OFFSCREEN_SAMPLING, OffscreenSampler,
                        clip_category_names, read_category_file)


@DATASETS.register_module()
class RobustAVSDataset:
    """AVSBench-Robust wrapper: any AVS dataset under negative audio.

    **Evaluation** (``test_mode=True``): every clip of the inner dataset
    appears once per audio condition of ``conditions``. Conditions are
    *block-ordered*: index ``k`` is clip ``k % N`` under condition
    ``conditions[k // N]`` (``N = len(dataset)``), so each condition is a
    contiguous run, as the official evaluation runs every condition as its
    own test set (and ``RobustAVSMetric(mode='avsbench')`` batches clips of
    one condition). With the default four conditions each is 25% of the
    set. The ground truth stays the visual object's mask, as
    :class:`~mmavs.evaluation.RobustAVSMetric` expects.

    **Training** (``test_mode=False``): a fraction ``negative_ratio`` of the
    samples are negative pairs, spread evenly over ``train_negatives``
    (official: silence and off-screen); their target is the empty mask
    (``empty_target=True``, which :class:`LoadAVAnnotations` honours;
    ignored pixels stay ignored).
    ``train_length`` fixes the epoch: ``'append'`` (default; every clip
    once with its own audio plus ``round(N r / (1 - r))`` negatives, the
    paper's "10% negatives add about 10% training time"), ``'keep'``
    (``N`` samples, ``round(N r)`` clips replaced by a negative pair) or
    ``'official'`` (the release's loader: ``2N`` samples, ``int(2N(1-r))``
    positives drawn with repetition, the rest negatives). Negative clips
    are drawn without repetition until every clip was drawn.

    Conditions:

    - ``'positive'``: the clip's own audio;
    - ``'silence'``: zeros; ``'noise'``: white noise (``noise_cfg``:
      ``distribution`` 'uniform' in [-a, a] (default, the official
      generator) or 'gaussian', ``amplitude`` a = 1.0, generated at the
      audio loader's rate (16 kHz for VGGish inputs) unless ``sample_rate``
      is given: the official wav files are 44.1 kHz, whose resampling with
      the reference ``kaiser_best`` costs about 1.6 s per clip);
    - ``'offscreen'``: the audio of another clip of the same dataset whose
      sound categories belong to none of the clip's semantic groups
      (``category_groups``), also avoiding the official "least suitable"
      groups (``avoid_groups``, e.g. music clips take no human sound).
      When no clip qualifies, the avoidance, then the group constraint are
      relaxed (a clip with no shared category); none left raises an error.
      ``offscreen_sampling='category'`` draws a category (set) uniformly,
      then a clip (the official S4 generator); ``'clip'`` draws a clip
      uniformly (the official MS3 generator);
    - ``'unseen'`` or ``dict(name=..., files=[...])``: a real recording
      (one of ``files``, default :data:`PAPER_UNSEEN_FILES`; relative names
      are looked up in ``unseen_audio_root``, the folder of the recordings
      that AVSBench-Robust ships, which the config must give).

    The wrapper does not touch the inner pipeline: it writes, per sample,
    what the transforms need into the clip dict, and the inner pipeline
    (which must hold one :class:`LoadAVAudio`) runs unchanged:
    ``negative_audio``, a spec of the negative audio that
    :class:`LoadAVAudio` feeds through the positives' own representation
    (see its docstring; ``feature_pipeline='consistent'``, default, or the
    release's librosa pipeline ``'librosa_official'``, which also recomputes
    off-screen and recording conditions from their wav files, as the release
    did), and ``empty_target`` for training negatives. ``negative_files``
    instead takes precomputed files per condition: a template formatted
    with ``clip_id``, ``category`` and ``split`` (e.g. the release's
    ``'.../audio_log_mel_noise/{split}/{category}/{clip_id}.pkl'`` or its
    single ``'silent.pkl'``); audio files replace the clip's wav, other
    files its feature file (``representation='feature'`` only). The
    contract is described in ``docs/en/advanced_guides/design.md``.

    Determinism: the epoch layout comes from ``numpy.random.default_rng(
    [seed, 0])`` and every per-sample choice (off-screen source, noise,
    recording) from ``default_rng([seed, 1, index])``; no global random
    state is used, so workers and ranks agree.

    Every sample carries ``audio_condition`` (str) and ``negative_pair``
    (bool); also ``offscreen_source`` (the source clip id) and
    ``offscreen_match`` (the level of :meth:`OffscreenSampler.candidates`)
    for off-screen audio.

    Args:
        dataset (dict | BaseDataset): The inner AVS dataset (or its
            config); its pipeline must contain :class:`LoadAVAudio`.
        conditions (Sequence[str | dict]): Evaluation conditions.
            Defaults to :data:`STANDARD_CONDITIONS`.
        test_mode (bool, optional): Evaluation (True) or training layout;
            None follows the inner dataset's ``test_mode``.
        negative_ratio (float): Fraction of negative training samples in
            ``[0, 1)``. Defaults to 0.1.
        train_negatives (Sequence[str | dict]): Negative conditions of
            training. Defaults to :data:`OFFICIAL_TRAIN_NEGATIVES`.
        train_length (str): ``'append'``, ``'keep'`` or ``'official'``.
        seed (int): Seed of every random choice. Defaults to 0.
        category_groups (str | dict, optional): Category -> semantic group,
            or a preset of :data:`~mmavs.datasets.metainfo.CATEGORY_GROUP_PRESETS` (``'s4'``,
            ``'ms3'``, ``'synthavs'``). Defaults to ``'s4'`` (the official
            S4 mapping).
        avoid_groups (str | dict, optional): Group -> groups also avoided
            as off-screen source, or a preset of
            :data:`~mmavs.datasets.metainfo.AVOID_GROUP_PRESETS`. None: the preset of the same name
            as ``category_groups`` (``'s4'``/``'ms3'``), else no avoidance.
        clip_categories (dict, optional): Clip id -> category names (list
            or str), overriding the clips' ``category``.
        category_file (dict, optional): Read the categories from a CSV:
            ``path`` (relative paths also tried under the inner
            ``data_root``), ``id_column``, ``category_column``,
            ``separator`` (None: one category) and ``filters`` (column ->
            value). MS3 (official): ``dict(path='metadata.csv',
            id_column='vid', category_column='a_obj', separator='_',
            filters=dict(label='v1m'))`` of AVSBench-Semantic.
        category_separator (str, optional): Split the clips' ``category``
            into several names (e.g. ``'_'`` for AVSS ``a_obj``).
        offscreen_sampling (str): ``'category'`` or ``'clip'``.
        negative_files (dict, optional): Condition -> file template.
        feature_pipeline (str): ``'consistent'`` or ``'librosa_official'``.
        noise_cfg (dict, optional): ``distribution``, ``amplitude``,
            ``sample_rate`` of the white noise.
        unseen_audio_root (str, optional): Folder of relative recording
            names (no default: relative names without it raise an error).
        lazy_init (bool): Defer :meth:`full_init`. Defaults to False.
    """

    def __init__(self,
                 dataset: Union[dict, BaseDataset],
                 conditions: Sequence[Union[str, dict]] = STANDARD_CONDITIONS,
                 test_mode: Optional[bool] = None,
                 negative_ratio: float = 0.1,
                 train_negatives: Sequence[Union[
                     str, dict]] = OFFICIAL_TRAIN_NEGATIVES,
                 train_length: str = 'append',
                 seed: int = 0,
                 category_groups: Union[None, str, Mapping[str, str]] = None,
                 avoid_groups: Union[None, str, Mapping[str,
                                                        Sequence[str]]] = None,
                 clip_categories: Optional[Mapping[str, Any]] = None,
                 category_file: Optional[dict] = None,
                 category_separator: Optional[str] = None,
                 offscreen_sampling: str = 'category',
                 negative_files: Optional[Mapping[str, str]] = None,
                 feature_pipeline: str = 'consistent',
                 noise_cfg: Optional[dict] = None,
                 unseen_audio_root: Optional[str] = None,
                 lazy_init: bool = False) -> None:
        if isinstance(dataset, dict):
            dataset = DATASETS.build(dataset)
        if not isinstance(dataset, BaseDataset):
            raise TypeError('RobustAVSDataset: dataset must be a config '
                            'dict or an mmengine BaseDataset, got '
                            f'{type(dataset).__name__}')
        self.dataset = dataset
        self.test_mode = bool(dataset.test_mode if test_mode is
                              None else test_mode)
        if not 0.0 <= float(negative_ratio) < 1.0:
            raise ValueError('RobustAVSDataset: negative_ratio must be in '
                             f'[0, 1), got {negative_ratio}')
        self.negative_ratio = float(negative_ratio)
        if train_length not in TRAIN_LENGTHS:
            raise ValueError(f'RobustAVSDataset: train_length must be one of '
                             f'{TRAIN_LENGTHS}, got {train_length!r}')
        self.train_length = train_length
        if offscreen_sampling not in OFFSCREEN_SAMPLING:
            raise ValueError("RobustAVSDataset: offscreen_sampling must be "
                             f"'category' or 'clip', got "
                             f'{offscreen_sampling!r}')
        self.offscreen_sampling = offscreen_sampling
        if feature_pipeline not in FEATURE_PIPELINES:
            raise ValueError(f'RobustAVSDataset: feature_pipeline must be '
                             f'one of {FEATURE_PIPELINES}, got '
                             f'{feature_pipeline!r}')
        self.feature_pipeline = feature_pipeline
        self.seed = int(seed)
        self.unseen_audio_root = unseen_audio_root
        self.conditions = parse_conditions(conditions, 'conditions',
                                           unseen_audio_root)
        self.train_negatives = parse_conditions(train_negatives,
                                                'train_negatives',
                                                unseen_audio_root)
        if 'positive' in self.train_negatives:
            raise ValueError("RobustAVSDataset: train_negatives cannot hold "
                             "'positive'")
        if not self.train_negatives and self.negative_ratio > 0:
            raise ValueError('RobustAVSDataset: negative_ratio > 0 needs '
                             'at least one train_negatives condition')
        self.category_groups, self.avoid_groups = resolve_groups(
            category_groups, avoid_groups)
        self.clip_categories = (None if clip_categories is None else
                                dict(clip_categories))
        self.category_file = category_file
        self.category_separator = category_separator
        self.noise_cfg = parse_noise_cfg(noise_cfg)
        self.negative_files = dict(negative_files or {})
        known = set(self.conditions) | set(self.train_negatives)
        bad = sorted(set(self.negative_files) - known)
        if bad:
            raise ValueError(f'RobustAVSDataset: negative_files names '
                             f'condition(s) {bad} that are not in conditions '
                             f'or train_negatives ({sorted(known)})')
        self._check_pipeline()
        self._fully_initialized = False
        if not lazy_init:
            self.full_init()

    def _check_pipeline(self) -> None:
        """The inner pipeline must load the audio with one LoadAVAudio,
        the transform that honours ``negative_audio``."""
        loader_type = TRANSFORMS.get('LoadAVAudio')
        loaders = [
            t for t in self.dataset.pipeline.transforms
            if isinstance(t, loader_type)
        ]
        if not loaders:
            raise ValueError(
                'RobustAVSDataset: the inner dataset pipeline has no '
                'LoadAVAudio; negative audio replaces what it loads')
        if len(loaders) > 1:
            raise ValueError('RobustAVSDataset: the inner pipeline '
                             'holds more than one LoadAVAudio')

    # ------------------------------------------------------------------
    # the index
    # ------------------------------------------------------------------
    @property
    def metainfo(self) -> dict:
        """The inner dataset's metainfo plus ``audio_conditions``."""
        meta = copy.deepcopy(self.dataset.metainfo)
        meta['audio_conditions'] = self.active_conditions
        return meta

    @property
    def active_conditions(self) -> Tuple[str, ...]:
        """Conditions of the current layout, in index order."""
        if self.test_mode:
            return tuple(self.conditions)
        return ('positive', ) + tuple(self.train_negatives)

    def _recordings(self, name: str) -> Optional[Tuple[str, ...]]:
        if name in self.conditions:
            return self.conditions[name]
        return self.train_negatives.get(name)

    def full_init(self) -> None:
        """Build the inner dataset, the condition layout and (with
        off-screen audio) the off-screen sampler."""
        if self._fully_initialized:
            return
        self.dataset.full_init()
        num = len(self.dataset)
        if num == 0:
            raise ValueError('RobustAVSDataset: the inner dataset is empty')
        names = self.active_conditions
        if self.test_mode:
            clip_index, cond_index = eval_layout(num, len(names))
        else:
            clip_index, cond_index = train_layout(num, self.negative_ratio,
                                                  len(self.train_negatives),
                                                  self.train_length,
                                                  self.seed)
        self._clip_index = clip_index.astype(np.int64)
        self._cond_index = cond_index.astype(np.int64)
        self._cond_names = names
        self._offscreen: Optional[OffscreenSampler] = None
        if 'offscreen' in names:
            self._offscreen = self._build_offscreen_sampler()
        self._fully_initialized = True

    def _build_offscreen_sampler(self) -> OffscreenSampler:
        infos = [
            self.dataset.get_data_info(i) for i in range(len(self.dataset))
        ]
        mapping = self.clip_categories
        where = 'clip_categories'
        if self.category_file is not None:
            mapping = dict(
                read_category_file(
                    self.category_file,
                    getattr(self.dataset, 'data_root', '') or ''),
                **(mapping or {}))
            where = f'category_file {self.category_file.get("path")}'
        names = clip_category_names(infos, mapping, where,
                                    self.category_separator)
        return OffscreenSampler(
            names,
            self.category_groups,
            self.avoid_groups,
            self.offscreen_sampling,
            clip_ids=[str(info['clip_id']) for info in infos])

    def __len__(self) -> int:
        if not self._fully_initialized:
            self.full_init()
        return len(self._clip_index)

    def sample_plan(self, idx: int) -> Tuple[int, str]:
        """Inner clip index and audio condition of sample ``idx``.

        Args:
            idx (int): Sample index.

        Returns:
            tuple[int, str]: ``(clip index, condition)``.
        """
        if not self._fully_initialized:
            self.full_init()
        if not -len(self) <= idx < len(self):
            raise IndexError(f'RobustAVSDataset: index {idx} out of range '
                             f'for {len(self)} samples')
        idx = idx % len(self)
        return (int(self._clip_index[idx]),
                self._cond_names[int(self._cond_index[idx])])

    # ------------------------------------------------------------------
    # the per-sample specs
    # ------------------------------------------------------------------
    def _template_path(self, template: str, info: dict) -> str:
        fields = dict(
            clip_id=info['clip_id'],
            category=info.get('category', ''),
            split=getattr(self.dataset, 'split', ''))
        try:
            return template.format(**fields)
        except KeyError as err:
            raise KeyError(f'RobustAVSDataset: negative_files template '
                           f'{template!r} uses {err}; available fields '
                           f'{sorted(fields)}') from err

    def _offscreen_spec(self, info: dict, clip: int,
                        rng: np.random.Generator) -> dict:
        src, level = self._offscreen.draw(clip, rng)
        src_info = self.dataset.get_data_info(src)
        info['offscreen_source'] = str(src_info['clip_id'])
        info['offscreen_match'] = level
        spec = dict(
            source='clip',
            clip_id=str(src_info['clip_id']),
            audio_path=src_info.get('audio_path'),
            audio_feat_path=src_info.get('audio_feat_path'))
        for key in ('audio_crop_seconds', 'audio_pan'):
            if key in src_info:
                spec[key] = src_info[key]
        return spec

    def negative_spec(self, info: dict, cond: str, idx: int) -> dict:
        """The ``negative_audio`` spec of sample ``idx`` (see
        :class:`LoadAVAudio`); adds the off-screen keys to ``info``.

        Args:
            info (dict): The clip dict of the sample.
            cond (str): Its (negative) condition.
            idx (int): Sample index (seeds its random choices).

        Returns:
            dict: The spec.
        """
        rng = np.random.default_rng([self.seed, 1, idx])
        template = self.negative_files.get(cond)
        if template is not None:
            path = self._template_path(template, info)
            spec = dict(
                source='file' if path.lower().endswith(AUDIO_EXTENSIONS) else
                'feature_file',
                path=path,
                origin=f'negative_files[{cond!r}]')
        elif cond == 'silence':
            spec = dict(source='silence', sample_rate=None)
        elif cond == 'noise':
            spec = dict(
                source='noise',
                sample_rate=self.noise_cfg['sample_rate'],
                noise_amplitude=self.noise_cfg['amplitude'],
                noise_distribution=self.noise_cfg['distribution'],
                noise_seed=int(rng.integers(0, 2**63 - 1)))
        elif cond == 'offscreen':
            spec = self._offscreen_spec(info, int(self._clip_index[idx]), rng)
        else:
            files = self._recordings(cond)
            if files is None:
                raise ValueError(f'RobustAVSDataset: no audio source for '
                                 f'condition {cond!r}')
            spec = dict(
                source='file', path=files[int(rng.integers(len(files)))])
        spec.setdefault('origin', f'condition {cond!r}')
        spec['feature_pipeline'] = self.feature_pipeline
        return spec

    def get_data_info(self, idx: int) -> dict:
        """The clip dict of sample ``idx`` with its audio condition.

        Args:
            idx (int): Sample index.

        Returns:
            dict: The inner clip dict plus ``audio_condition``,
            ``negative_pair``, ``robust_index`` and, for negative pairs,
            ``negative_audio`` (the spec :class:`LoadAVAudio` follows) and
            ``empty_target`` (True in training: :class:`LoadAVAnnotations`
            empties the masks).
        """
        clip, cond = self.sample_plan(idx)
        idx = idx % len(self)
        info = self.dataset.get_data_info(clip)
        info['audio_condition'] = cond
        info['negative_pair'] = cond != 'positive'
        info['robust_index'] = idx
        if cond != 'positive':
            info['empty_target'] = not self.test_mode
            info['negative_audio'] = self.negative_spec(info, cond, idx)
        return info

    def __getitem__(self, idx: int) -> dict:
        data = self.dataset.pipeline(self.get_data_info(idx))
        if data is None:
            raise RuntimeError(f'RobustAVSDataset: the pipeline returned '
                               f'None for sample {idx}')
        return data

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(dataset={type(self.dataset).__name__}'
                f', test_mode={self.test_mode}, conditions='
                f'{self.active_conditions}, negative_ratio='
                f'{self.negative_ratio}, train_length={self.train_length!r}, '
                f'seed={self.seed})')
