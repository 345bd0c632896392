# Copyright (c) mmavs contributors. All rights reserved.
"""AVSBench-Robust: any AVS dataset with negative audio (silence, noise,
off-screen sound, unseen recordings)."""
import copy
import os.path as osp
from typing import (Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union)

import numpy as np
from mmengine.dataset import BaseDataset

from mmavs.registry import DATASETS
from .transforms.audio import LoadAVAudio
from .transforms.formatting import PackAVSInputs
from .transforms.negative_audio import (FEATURE_PIPELINES, EmptyNegativeTarget,
                                        LoadRobustAVAudio)

#: The four audio conditions of the AVSBench-Robust evaluation.
STANDARD_CONDITIONS = ('positive', 'silence', 'noise', 'offscreen')

#: Negative conditions of the official training data (silence and
#: off-screen audio, half each; the release trains without noise).
OFFICIAL_TRAIN_NEGATIVES = ('silence', 'offscreen')

#: The paper's unseen-category recordings (supplementary A.1): tuning fork,
#: rooster, sheep, thunderstorm.
PAPER_UNSEEN_FILES = ('fork_segment.wav', 'rooster_segment.wav',
                      'sheep_segment.wav', 'thunderstorm_segment.wav')

#: Semantic group of every S4 category (official generator,
#: ``get_semantic_category('s4')``; the paper's Table 1).
S4_CATEGORY_GROUPS = {
    'playing_acoustic_guitar': 'music',
    'playing_glockenspiel': 'music',
    'playing_piano': 'music',
    'playing_tabla': 'music',
    'playing_ukulele': 'music',
    'playing_violin': 'music',
    'baby_laughter': 'human',
    'female_singing': 'human',
    'male_speech': 'human',
    'cat_meowing': 'animal',
    'coyote_howling': 'animal',
    'dog_barking': 'animal',
    'horse_clip-clop': 'animal',
    'lions_roaring': 'animal',
    'mynah_bird_singing': 'animal',
    'driving_buses': 'device',
    'helicopter': 'device',
    'race_car': 'device',
    'ambulance_siren': 'device',
    'cap_gun_shooting': 'device',
    'chainsawing_trees': 'device',
    'lawn_mowing': 'device',
    'typing_on_computer_keyboard': 'device',
}

#: Semantic group of every MS3 sounding-object name (official generator,
#: ``get_semantic_category('ms3')``), applied to the ``_``-separated
#: ``a_obj`` of the AVSBench-Semantic ``metadata.csv`` rows ``label=v1m``.
MS3_OBJECT_GROUPS = {
    'guitar': 'music',
    'tabla': 'music',
    'violin': 'music',
    'ukulele': 'music',
    'piano': 'music',
    'marimba': 'music',
    'man': 'human',
    'woman': 'human',
    'baby': 'human',
    'dog': 'animal',
    'cat': 'animal',
    'lion': 'animal',
    'bird': 'animal',
    'wolf': 'animal',
    'mower': 'device',
    'background': 'device',
    'bus': 'device',
    'car': 'device',
    'gun': 'device',
    'saw': 'device',
    'emergency-car': 'device',
    'keyboard': 'device',
}

#: Groups the official generator also avoids as off-screen sources ("least
#: suitable contrast"), S4 (its 'vehicle' group is empty).
S4_AVOID_GROUPS = {
    'music': ('human', ),
    'human': ('music', ),
    'animal': ('human', ),
    'device': ('vehicle', ),
}

#: As :data:`S4_AVOID_GROUPS` for MS3.
MS3_AVOID_GROUPS = {
    'music': ('human', ),
    'human': ('music', ),
    'animal': ('human', ),
    'device': ('music', ),
}

#: Groups of the SynthAVS categories (its procedural sounds, see
#: :mod:`mmavs.synthavs.sounds`), by how they sound: tonal, noisy,
#: impulsive, sweeping.
SYNTHAVS_CATEGORY_GROUPS = {
    'vibrato_tone': 'tonal',
    'whistle': 'tonal',
    'am_hum': 'tonal',
    'noise_burst': 'noisy',
    'hiss': 'noisy',
    'click_train': 'impulsive',
    'drum': 'impulsive',
    'bell': 'impulsive',
    'chirp': 'sweeping',
    'trill': 'sweeping',
}

#: Named ``category_groups`` presets (configs name them by string).
CATEGORY_GROUP_PRESETS = {
    's4': S4_CATEGORY_GROUPS,
    'ms3': MS3_OBJECT_GROUPS,
    'synthavs': SYNTHAVS_CATEGORY_GROUPS,
}

#: Named ``avoid_groups`` presets.
AVOID_GROUP_PRESETS = {
    's4': S4_AVOID_GROUPS,
    'ms3': MS3_AVOID_GROUPS,
    'none': {}
}

_AUDIO_EXTS = ('.wav', '.flac', '.ogg', '.mp3', '.aif', '.aiff')
_GENERATED = ('silence', 'noise')
_TRAIN_LENGTHS = ('append', 'keep', 'official')


def _split_count(total: int, parts: int) -> List[int]:
    """``total`` split into ``parts`` near-equal counts (first ones
    larger)."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _draw_clips(rng: np.random.Generator, num_clips: int,
                count: int) -> np.ndarray:
    """``count`` clip indices: whole random permutations, then a partial
    one (no clip repeats before every clip was drawn)."""
    reps = -(-count // num_clips) if count else 0
    draws = [rng.permutation(num_clips) for _ in range(reps)]
    return (np.concatenate(draws)[:count]
            if draws else np.zeros(0, np.int64)).astype(np.int64)


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
    (:class:`EmptyNegativeTarget`, ignored pixels stay ignored).
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

    Negative audio uses the positives' representation: silence / noise go
    through the same audio transform (:class:`LoadRobustAVAudio`, swapped
    in for the inner pipeline's :class:`LoadAVAudio`) as wav files would;
    for ``representation='feature'`` they are computed as VGGish log-mel
    examples (``feature_pipeline='consistent'``, default) or with the
    release's librosa pipeline (``'librosa_official'``, which also
    recomputes off-screen and recording conditions from their wav files,
    as the release did). ``negative_files`` instead takes precomputed files
    per condition: a template formatted with ``clip_id``, ``category`` and
    ``split`` (e.g. the release's
    ``'.../audio_log_mel_noise/{split}/{category}/{clip_id}.pkl'`` or its
    single ``'silent.pkl'``); audio files replace the clip's wav, other
    files its feature file (``representation='feature'`` only).

    Determinism: the epoch layout comes from ``numpy.random.default_rng(
    [seed, 0])`` and every per-sample choice (off-screen source, noise,
    recording) from ``default_rng([seed, 1, index])``; no global random
    state is used, so workers and ranks agree.

    Every sample carries ``audio_condition`` (str) and ``negative_pair``
    (bool); also ``offscreen_source`` (the source clip id) for off-screen
    audio.

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
            or a preset of :data:`CATEGORY_GROUP_PRESETS` (``'s4'``,
            ``'ms3'``, ``'synthavs'``). Defaults to ``'s4'`` (the official
            S4 mapping).
        avoid_groups (str | dict, optional): Group -> groups also avoided
            as off-screen source, or a preset of
            :data:`AVOID_GROUP_PRESETS`. None: the preset of the same name
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
        if train_length not in _TRAIN_LENGTHS:
            raise ValueError(f'RobustAVSDataset: train_length must be one of '
                             f'{_TRAIN_LENGTHS}, got {train_length!r}')
        self.train_length = train_length
        if offscreen_sampling not in ('category', 'clip'):
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
        self.conditions = self._parse_conditions(conditions, 'conditions')
        self.train_negatives = self._parse_conditions(train_negatives,
                                                      'train_negatives')
        if 'positive' in self.train_negatives:
            raise ValueError("RobustAVSDataset: train_negatives cannot hold "
                             "'positive'")
        if not self.train_negatives and self.negative_ratio > 0:
            raise ValueError('RobustAVSDataset: negative_ratio > 0 needs '
                             'at least one train_negatives condition')
        if category_groups is None:
            category_groups = 's4'
        preset = None
        if isinstance(category_groups, str):
            preset = category_groups
            if preset not in CATEGORY_GROUP_PRESETS:
                raise ValueError(
                    f'RobustAVSDataset: unknown category_groups preset '
                    f'{preset!r}; expected one of '
                    f'{sorted(CATEGORY_GROUP_PRESETS)} or a dict')
            category_groups = CATEGORY_GROUP_PRESETS[preset]
        self.category_groups = dict(category_groups)
        if avoid_groups is None:
            avoid_groups = preset if preset in AVOID_GROUP_PRESETS else 'none'
        if isinstance(avoid_groups, str):
            if avoid_groups not in AVOID_GROUP_PRESETS:
                raise ValueError(
                    f'RobustAVSDataset: unknown avoid_groups preset '
                    f'{avoid_groups!r}; expected one of '
                    f'{sorted(AVOID_GROUP_PRESETS)} or a dict')
            avoid_groups = AVOID_GROUP_PRESETS[avoid_groups]
        self.avoid_groups = {k: tuple(v) for k, v in avoid_groups.items()}
        self.clip_categories = (None if clip_categories is None else
                                dict(clip_categories))
        self.category_file = category_file
        self.category_separator = category_separator
        noise_cfg = dict(noise_cfg or {})
        unknown = set(noise_cfg) - {'distribution', 'amplitude', 'sample_rate'}
        if unknown:
            raise ValueError(f'RobustAVSDataset: unknown noise_cfg keys '
                             f'{sorted(unknown)}; expected distribution, '
                             'amplitude, sample_rate')
        self.noise_cfg = dict(
            distribution=noise_cfg.get('distribution', 'uniform'),
            amplitude=float(noise_cfg.get('amplitude', 1.0)),
            sample_rate=noise_cfg.get('sample_rate'))
        if self.noise_cfg['distribution'] not in ('uniform', 'gaussian'):
            raise ValueError("RobustAVSDataset: noise_cfg.distribution must "
                             "be 'uniform' or 'gaussian', got "
                             f"{self.noise_cfg['distribution']!r}")
        self.negative_files = dict(negative_files or {})
        known = set(self.conditions) | set(self.train_negatives)
        bad = sorted(set(self.negative_files) - known)
        if bad:
            raise ValueError(f'RobustAVSDataset: negative_files names '
                             f'condition(s) {bad} that are not in conditions '
                             f'or train_negatives ({sorted(known)})')
        self._loader = self._patch_pipeline()
        self._fully_initialized = False
        if not lazy_init:
            self.full_init()

    # ------------------------------------------------------------------
    # configuration
    # ------------------------------------------------------------------
    def _resolve_recording(self, name: str) -> str:
        if osp.isabs(name) or osp.isfile(name):
            path = name
        else:
            if self.unseen_audio_root is None:
                raise ValueError(
                    f'RobustAVSDataset: recording {name!r} is a relative '
                    'name and unseen_audio_root is not set; set it to the '
                    'folder of the recordings (AVSBench-Robust ships them) '
                    'or give absolute paths')
            path = osp.join(self.unseen_audio_root, name)
        if not osp.isfile(path):
            raise FileNotFoundError(
                f'RobustAVSDataset: recording {name!r} not found (looked '
                f'for {path}); set unseen_audio_root or give absolute paths')
        return path

    def _parse_conditions(self, conditions: Sequence[Union[str, dict]],
                          what: str) -> Dict[str, Optional[Tuple[str, ...]]]:
        """Condition name -> recordings (None for built-in conditions)."""
        if isinstance(conditions, (str, dict)):
            raise TypeError(f'RobustAVSDataset: {what} must be a sequence '
                            f'of names/dicts, got {conditions!r}')
        out: Dict[str, Optional[Tuple[str, ...]]] = {}
        for cond in conditions:
            if isinstance(cond, str):
                name, files = cond, None
                if name == 'unseen':
                    files = PAPER_UNSEEN_FILES
                elif name not in STANDARD_CONDITIONS:
                    raise ValueError(
                        f'RobustAVSDataset: unknown {what} entry {name!r}; '
                        f'expected one of {STANDARD_CONDITIONS + ("unseen",)}'
                        " or dict(name=..., files=[...])")
            elif isinstance(cond, dict):
                if set(cond) != {'name', 'files'} or not cond['files']:
                    raise ValueError(
                        f'RobustAVSDataset: {what} entry {cond!r} must be '
                        'dict(name=str, files=non-empty list of recordings)')
                name, files = str(cond['name']), tuple(cond['files'])
                if name in STANDARD_CONDITIONS:
                    raise ValueError(f'RobustAVSDataset: recording condition '
                                     f'{name!r} shadows a built-in condition')
            else:
                raise TypeError(f'RobustAVSDataset: {what} entry {cond!r} '
                                'must be a str or a dict')
            if name in out:
                raise ValueError(f'RobustAVSDataset: {what} lists {name!r} '
                                 'twice')
            out[name] = (None if files is None else tuple(
                self._resolve_recording(f) for f in files))
        return out

    def _patch_pipeline(self) -> LoadAVAudio:
        """Swap LoadAVAudio for LoadRobustAVAudio and add
        EmptyNegativeTarget before PackAVSInputs."""
        transforms = self.dataset.pipeline.transforms
        loader = None
        for i, t in enumerate(transforms):
            if isinstance(t, LoadAVAudio):
                if loader is not None:
                    raise ValueError('RobustAVSDataset: the inner pipeline '
                                     'holds more than one LoadAVAudio')
                if not isinstance(t, LoadRobustAVAudio):
                    t = LoadRobustAVAudio.from_loader(t)
                    transforms[i] = t
                loader = t
        if loader is None:
            raise ValueError(
                'RobustAVSDataset: the inner dataset pipeline has no '
                'LoadAVAudio; negative audio replaces what it loads')
        if not any(isinstance(t, EmptyNegativeTarget) for t in transforms):
            pos = next((i for i, t in enumerate(transforms)
                        if isinstance(t, PackAVSInputs)), len(transforms))
            transforms.insert(pos, EmptyNegativeTarget())
        return loader

    # ------------------------------------------------------------------
    # initialisation
    # ------------------------------------------------------------------
    @property
    def metainfo(self) -> dict:
        """The inner dataset's metainfo plus ``audio_conditions``."""
        meta = copy.deepcopy(self.dataset.metainfo)
        meta['audio_conditions'] = tuple(
            self.conditions if self.test_mode else ('positive', ) +
            tuple(self.train_negatives))
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
        """Build the inner dataset and the condition layout."""
        if self._fully_initialized:
            return
        self.dataset.full_init()
        num = len(self.dataset)
        if num == 0:
            raise ValueError('RobustAVSDataset: the inner dataset is empty')
        self._num_clips = num
        names = self.active_conditions
        if self.test_mode:
            clip_index = np.tile(np.arange(num), len(names))
            cond_index = np.repeat(np.arange(len(names)), num)
        else:
            clip_index, cond_index = self._train_layout(num)
        self._clip_index = clip_index.astype(np.int64)
        self._cond_index = cond_index.astype(np.int64)
        self._cond_names = names
        self._offscreen_cache: Dict[Any, tuple] = {}
        if 'offscreen' in names:
            self._init_categories()
        self._fully_initialized = True

    def _train_layout(self, num: int) -> Tuple[np.ndarray, np.ndarray]:
        rng = np.random.default_rng([self.seed, 0])
        ratio = self.negative_ratio
        n_neg_types = len(self.train_negatives)
        if self.train_length == 'append':
            pos = np.arange(num)
            num_neg = int(round(num * ratio / (1.0 - ratio)))
        elif self.train_length == 'keep':
            num_neg = int(round(num * ratio))
            perm = rng.permutation(num)
            pos = np.sort(perm[num_neg:])
        else:  # official: 2N samples, positives drawn with repetition
            total = 2 * num
            num_pos = int(total * (1.0 - ratio))
            pos = _draw_clips(rng, num, num_pos)
            num_neg = total - num_pos
        clips, conds = [pos], [np.zeros(len(pos), np.int64)]
        if num_neg:
            if self.train_length == 'keep':
                neg_clips = np.sort(perm[:num_neg])
            else:
                neg_clips = _draw_clips(rng, num, num_neg)
            counts = _split_count(num_neg, n_neg_types)
            neg_conds = np.repeat(np.arange(1, n_neg_types + 1), counts)
            clips.append(neg_clips)
            conds.append(rng.permutation(neg_conds))
        return np.concatenate(clips), np.concatenate(conds)

    def _read_category_file(self) -> Dict[str, List[str]]:
        import pandas as pd
        spec = dict(self.category_file)
        unknown = set(spec) - {
            'path', 'id_column', 'category_column', 'separator', 'filters'
        }
        if unknown or 'path' not in spec:
            raise ValueError(
                f'RobustAVSDataset: category_file {spec} must have path and '
                'only id_column, category_column, separator, filters')
        path = spec['path']
        if not osp.isfile(path):
            alt = osp.join(getattr(self.dataset, 'data_root', '') or '', path)
            if not osp.isfile(alt):
                raise FileNotFoundError(
                    f'RobustAVSDataset: category_file {path} not found '
                    f'(also tried {alt})')
            path = alt
        id_col = spec.get('id_column', 'vid')
        cat_col = spec.get('category_column', 'a_obj')
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        for col in [id_col, cat_col] + list(spec.get('filters') or {}):
            if col not in table.columns:
                raise ValueError(f'RobustAVSDataset: category_file {path} '
                                 f'has no column {col!r}; columns '
                                 f'{list(table.columns)}')
        for col, value in (spec.get('filters') or {}).items():
            table = table[table[col] == str(value)]
        sep = spec.get('separator')
        return {
            str(i): (str(c).split(sep) if sep else [str(c)])
            for i, c in zip(table[id_col], table[cat_col])
        }

    def _clip_category_names(self) -> List[List[str]]:
        mapping = self.clip_categories
        where = 'clip_categories'
        if self.category_file is not None:
            mapping = dict(self._read_category_file(), **(mapping or {}))
            where = f'category_file {self.category_file.get("path")}'
        out = []
        for i in range(self._num_clips):
            info = self.dataset.get_data_info(i)
            clip_id = str(info['clip_id'])
            if mapping is not None:
                if clip_id not in mapping:
                    raise KeyError(
                        f'RobustAVSDataset: clip {clip_id} has no entry in '
                        f'{where}; off-screen audio needs the categories of '
                        'every clip')
                cats = mapping[clip_id]
                cats = [cats] if isinstance(cats, str) else list(cats)
            else:
                cat = str(info.get('category') or '')
                if not cat:
                    raise ValueError(
                        f'RobustAVSDataset: clip {clip_id} has no category '
                        "(e.g. MS3); off-screen audio needs one: give "
                        'category_file (official MS3: AVSBench-Semantic '
                        "metadata.csv, a_obj of label 'v1m') or "
                        'clip_categories')
                cats = (
                    cat.split(self.category_separator)
                    if self.category_separator else [cat])
            cats = [c for c in cats if c]
            if not cats:
                raise ValueError(f'RobustAVSDataset: clip {clip_id} has an '
                                 'empty category list')
            out.append(cats)
        return out

    def _init_categories(self) -> None:
        names = self._clip_category_names()
        missing: Dict[str, str] = {}
        for i, cats in enumerate(names):
            for c in cats:
                if c not in self.category_groups and c not in missing:
                    missing[c] = str(self.dataset.get_data_info(i)['clip_id'])
        if missing:
            shown = ', '.join(f'{c!r} (clip {v})'
                              for c, v in list(missing.items())[:10])
            raise ValueError(
                f'RobustAVSDataset: {len(missing)} categor(y/ies) have no '
                f'semantic group in category_groups: {shown}; give '
                'category_groups=dict(category=group) covering them '
                '(default: the official S4 mapping)')
        cat_vocab = sorted({c for cats in names for c in cats})
        group_vocab = sorted(set(self.category_groups.values()))
        cat_id = {c: i for i, c in enumerate(cat_vocab)}
        group_id = {g: i for i, g in enumerate(group_vocab)}
        num = self._num_clips
        self._cat_matrix = np.zeros((num, len(cat_vocab)), bool)
        self._group_matrix = np.zeros((num, len(group_vocab)), bool)
        keys = []
        for i, cats in enumerate(names):
            self._cat_matrix[i, [cat_id[c] for c in cats]] = True
            self._group_matrix[
                i, [group_id[self.category_groups[c]] for c in cats]] = True
            keys.append(tuple(sorted(set(cats))))
        self._group_id = group_id
        key_vocab = sorted(set(keys))
        key_id = {k: i for i, k in enumerate(key_vocab)}
        self._clip_key = np.array([key_id[k] for k in keys], np.int64)
        self._clip_key_names = key_vocab

    def _offscreen_candidates(self, clip: int) -> Tuple[np.ndarray, str]:
        key = int(self._clip_key[clip])
        if key in self._offscreen_cache:
            return self._offscreen_cache[key]
        own_groups = self._group_matrix[clip]
        avoid = own_groups.copy()
        inv = {v: k for k, v in self._group_id.items()}
        for g in np.flatnonzero(own_groups):
            for other in self.avoid_groups.get(inv[int(g)], ()):
                if other in self._group_id:
                    avoid[self._group_id[other]] = True
        levels = (
            ('group', ~(self._group_matrix & avoid).any(1)),
            ('group_relaxed', ~(self._group_matrix & own_groups).any(1)),
            ('category', ~(self._cat_matrix & self._cat_matrix[clip]).any(1)),
        )
        for level, ok in levels:
            cand = np.flatnonzero(ok)
            if len(cand):
                self._offscreen_cache[key] = (cand, level)
                return cand, level
        raise ValueError(
            'RobustAVSDataset: no off-screen source for categories '
            f'{self._clip_key_names[key]}: every other clip of the dataset '
            'shares a category with it')

    def _offscreen_source(self, clip: int,
                          rng: np.random.Generator) -> Tuple[int, str]:
        cand, level = self._offscreen_candidates(clip)
        if self.offscreen_sampling == 'clip':
            return int(cand[rng.integers(len(cand))]), level
        keys = np.unique(self._clip_key[cand])
        key = keys[rng.integers(len(keys))]
        pool = cand[self._clip_key[cand] == key]
        return int(pool[rng.integers(len(pool))]), level

    # ------------------------------------------------------------------
    # items
    # ------------------------------------------------------------------
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

    def _set_audio_file(self, info: dict, path: str, what: str) -> None:
        """Use the recording ``path`` as the clip's audio."""
        rep = self._loader.representation
        if rep == 'feature' or self.feature_pipeline == 'librosa_official':
            info['negative_audio'] = dict(
                source='file',
                path=path,
                feature_pipeline=self.feature_pipeline)
        else:
            info['audio_path'] = path
            info.pop('audio_pan', None)
        info.setdefault('negative_audio_source', what)

    def _apply_condition(self, info: dict, cond: str, idx: int) -> None:
        rng = np.random.default_rng([self.seed, 1, idx])
        rep = self._loader.representation
        template = self.negative_files.get(cond)
        if template is not None:
            path = self._template_path(template, info)
            if path.lower().endswith(_AUDIO_EXTS):
                self._set_audio_file(info, path, path)
            elif rep != 'feature':
                raise ValueError(
                    f'RobustAVSDataset: negative_files[{cond!r}] gives the '
                    f'feature file {path}, but the audio representation is '
                    f'{rep!r}; give audio files or use representation='
                    "'feature'")
            else:
                info['audio_feat_path'] = path
            return
        if cond in _GENERATED:
            spec = dict(source=cond, feature_pipeline=self.feature_pipeline)
            if cond == 'noise':
                spec.update(
                    sample_rate=(self.noise_cfg['sample_rate']
                                 or self._loader.sample_rate or 16000),
                    noise_amplitude=self.noise_cfg['amplitude'],
                    noise_distribution=self.noise_cfg['distribution'],
                    noise_seed=int(rng.integers(0, 2**63 - 1)))
            else:
                spec.update(sample_rate=self._loader.sample_rate or 16000)
            info['negative_audio'] = spec
            return
        if cond == 'offscreen':
            src, level = self._offscreen_source(
                self._clip_index[idx % len(self)], rng)
            src_info = self.dataset.get_data_info(src)
            info['offscreen_source'] = str(src_info['clip_id'])
            info['offscreen_match'] = level
            if self.feature_pipeline == 'librosa_official' or \
                    rep != 'feature':
                if 'audio_path' not in src_info:
                    raise KeyError(
                        f'RobustAVSDataset: off-screen source clip '
                        f'{src_info["clip_id"]} has no audio_path (needed '
                        f'for representation {rep!r} / feature_pipeline '
                        f'{self.feature_pipeline!r})')
                path = src_info['audio_path']
                if not isinstance(path, str):
                    raise ValueError(
                        f'RobustAVSDataset: off-screen source clip '
                        f'{src_info["clip_id"]} has several audio files; '
                        'expected one')
                self._set_audio_file(info, path, path)
                for key in ('audio_crop_seconds', 'audio_pan'):
                    if key in src_info:
                        info[key] = src_info[key]
            else:
                if 'audio_feat_path' not in src_info:
                    raise KeyError(f'RobustAVSDataset: off-screen source '
                                   f'clip {src_info["clip_id"]} has no '
                                   'audio_feat_path')
                info['audio_feat_path'] = src_info['audio_feat_path']
            return
        files = self._recordings(cond)
        if files is None:
            raise ValueError(f'RobustAVSDataset: no audio source for '
                             f'condition {cond!r}')
        self._set_audio_file(info, files[int(rng.integers(len(files)))], cond)

    def get_data_info(self, idx: int) -> dict:
        """The clip dict of sample ``idx`` with its negative audio.

        Args:
            idx (int): Sample index.

        Returns:
            dict: The inner clip dict plus ``audio_condition``,
            ``negative_pair``, ``empty_target`` (training negatives) and
            what the audio transform needs for the negative audio.
        """
        clip, cond = self.sample_plan(idx)
        info = self.dataset.get_data_info(clip)
        info['audio_condition'] = cond
        info['negative_pair'] = cond != 'positive'
        info['robust_index'] = idx % len(self)
        if cond != 'positive':
            info['empty_target'] = not self.test_mode
            self._apply_condition(info, cond, idx % len(self))
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
