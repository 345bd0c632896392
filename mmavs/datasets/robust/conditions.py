# Copyright (c) mmavs contributors. All rights reserved.
"""The audio conditions of AVSBench-Robust and how an epoch is laid out
over them.

A condition is a name: ``'positive'`` (the clip's own audio), ``'silence'``,
``'noise'``, ``'offscreen'``, ``'unseen'`` (the paper's recordings) or a
``dict(name=..., files=[...])`` of recordings. The layouts say which clip is
shown under which condition at every index of the wrapped dataset.
"""
import os.path as osp
from typing import Dict, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from ..metainfo import AVOID_GROUP_PRESETS, CATEGORY_GROUP_PRESETS

#: The four audio conditions of the AVSBench-Robust evaluation.
STANDARD_CONDITIONS = ('positive', 'silence', 'noise', 'offscreen')

#: Negative conditions of the official training data (silence and
#: off-screen audio, half each; the release trains without noise).
OFFICIAL_TRAIN_NEGATIVES = ('silence', 'offscreen')

#: The paper's unseen-category recordings (supplementary A.1): tuning fork,
#: rooster, sheep, thunderstorm.
PAPER_UNSEEN_FILES = ('fork_segment.wav', 'rooster_segment.wav',
                      'sheep_segment.wav', 'thunderstorm_segment.wav')

#: Conditions whose audio is generated.
GENERATED_CONDITIONS = ('silence', 'noise')

#: Epoch layouts of training (see :func:`train_layout`).
TRAIN_LENGTHS = ('append', 'keep', 'official')

#: Noise distributions of the ``'noise'`` condition.
NOISE_DISTRIBUTIONS = ('uniform', 'gaussian')

ConditionSpec = Union[str, Mapping]


def resolve_recording(name: str, root: Optional[str]) -> str:
    """The path of a recording named in a condition.

    Args:
        name (str): Absolute path, existing path, or a name relative to
            ``root``.
        root (str, optional): Folder of relative names (the recordings that
            AVSBench-Robust ships); None refuses relative names.

    Returns:
        str: An existing file.
    """
    if osp.isabs(name) or osp.isfile(name):
        path = name
    else:
        if root is None:
            raise ValueError(
                f'RobustAVSDataset: recording {name!r} is a relative '
                'name and unseen_audio_root is not set; set it to the '
                'folder of the recordings (AVSBench-Robust ships them) '
                'or give absolute paths')
        path = osp.join(root, name)
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'RobustAVSDataset: recording {name!r} not found (looked '
            f'for {path}); set unseen_audio_root or give absolute paths')
    return path


def parse_conditions(
        conditions: Sequence[ConditionSpec], what: str,
        recording_root: Optional[str]
) -> Dict[str, Optional[Tuple[str, ...]]]:
    """Condition name -> its recordings (None for built-in conditions).

    Args:
        conditions (Sequence[str | dict]): Names of
            :data:`STANDARD_CONDITIONS`, ``'unseen'`` (the
            :data:`PAPER_UNSEEN_FILES`) or ``dict(name=..., files=[...])``.
        what (str): The argument's name, for messages.
        recording_root (str, optional): See :func:`resolve_recording`.

    Returns:
        dict: In the given order.
    """
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
            resolve_recording(f, recording_root) for f in files))
    return out


def parse_noise_cfg(noise_cfg: Optional[Mapping]) -> dict:
    """``distribution`` ('uniform'), ``amplitude`` (1.0) and
    ``sample_rate`` (None: the audio loader's rate) of the white noise.

    Args:
        noise_cfg (Mapping, optional): Overrides of the defaults.

    Returns:
        dict: All three keys.
    """
    noise_cfg = dict(noise_cfg or {})
    unknown = set(noise_cfg) - {'distribution', 'amplitude', 'sample_rate'}
    if unknown:
        raise ValueError(f'RobustAVSDataset: unknown noise_cfg keys '
                         f'{sorted(unknown)}; expected distribution, '
                         'amplitude, sample_rate')
    out = dict(
        distribution=noise_cfg.get('distribution', 'uniform'),
        amplitude=float(noise_cfg.get('amplitude', 1.0)),
        sample_rate=noise_cfg.get('sample_rate'))
    if out['distribution'] not in NOISE_DISTRIBUTIONS:
        raise ValueError("RobustAVSDataset: noise_cfg.distribution must "
                         "be 'uniform' or 'gaussian', got "
                         f"{out['distribution']!r}")
    return out


def resolve_groups(
    category_groups: Union[None, str, Mapping[str, str]],
    avoid_groups: Union[None, str, Mapping[str, Sequence[str]]]
) -> Tuple[Dict[str, str], Dict[str, Tuple[str, ...]]]:
    """The category groups and avoided groups, presets resolved.

    Args:
        category_groups (str | Mapping, optional): A mapping or a preset of
            :data:`~mmavs.datasets.metainfo.CATEGORY_GROUP_PRESETS`; None is
            ``'s4'``.
        avoid_groups (str | Mapping, optional): A mapping or a preset of
            :data:`~mmavs.datasets.metainfo.AVOID_GROUP_PRESETS`; None is
            the preset named as ``category_groups`` if there is one, else
            no avoidance.

    Returns:
        tuple[dict, dict]: ``category -> group`` and ``group -> groups``.
    """
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
    if avoid_groups is None:
        avoid_groups = preset if preset in AVOID_GROUP_PRESETS else 'none'
    if isinstance(avoid_groups, str):
        if avoid_groups not in AVOID_GROUP_PRESETS:
            raise ValueError(
                f'RobustAVSDataset: unknown avoid_groups preset '
                f'{avoid_groups!r}; expected one of '
                f'{sorted(AVOID_GROUP_PRESETS)} or a dict')
        avoid_groups = AVOID_GROUP_PRESETS[avoid_groups]
    return (dict(category_groups),
            {k: tuple(v)
             for k, v in avoid_groups.items()})


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


def eval_layout(num_clips: int,
                num_conditions: int) -> Tuple[np.ndarray, np.ndarray]:
    """Block-ordered evaluation: index ``k`` is clip ``k % N`` under
    condition ``k // N``.

    Args:
        num_clips (int): ``N``.
        num_conditions (int): Number of conditions.

    Returns:
        tuple[np.ndarray, np.ndarray]: Clip and condition index per sample.
    """
    return (np.tile(np.arange(num_clips), num_conditions),
            np.repeat(np.arange(num_conditions), num_clips))


def train_layout(num_clips: int, negative_ratio: float, num_negatives: int,
                 train_length: str,
                 seed: int) -> Tuple[np.ndarray, np.ndarray]:
    """The training epoch: positives, then negatives spread evenly over the
    ``num_negatives`` negative conditions (condition indices ``1..``).

    ``'append'``: every clip once plus ``round(N r / (1 - r))`` negatives;
    ``'keep'``: ``N`` samples, ``round(N r)`` clips replaced by a negative;
    ``'official'``: ``2N`` samples, ``int(2N (1 - r))`` positives drawn with
    repetition, the rest negatives. Drawn from
    ``numpy.random.default_rng([seed, 0])``.

    Args:
        num_clips (int): ``N``.
        negative_ratio (float): ``r`` in ``[0, 1)``.
        num_negatives (int): Number of negative conditions.
        train_length (str): One of :data:`TRAIN_LENGTHS`.
        seed (int): Seed.

    Returns:
        tuple[np.ndarray, np.ndarray]: Clip and condition index per sample.
    """
    rng = np.random.default_rng([seed, 0])
    num = num_clips
    ratio = negative_ratio
    if train_length == 'append':
        pos = np.arange(num)
        num_neg = int(round(num * ratio / (1.0 - ratio)))
    elif train_length == 'keep':
        num_neg = int(round(num * ratio))
        perm = rng.permutation(num)
        pos = np.sort(perm[num_neg:])
    elif train_length == 'official':
        total = 2 * num
        num_pos = int(total * (1.0 - ratio))
        pos = _draw_clips(rng, num, num_pos)
        num_neg = total - num_pos
    else:
        raise ValueError(f'RobustAVSDataset: train_length must be one of '
                         f'{TRAIN_LENGTHS}, got {train_length!r}')
    clips, conds = [pos], [np.zeros(len(pos), np.int64)]
    if num_neg:
        if train_length == 'keep':
            neg_clips = np.sort(perm[:num_neg])
        else:
            neg_clips = _draw_clips(rng, num, num_neg)
        counts = _split_count(num_neg, num_negatives)
        neg_conds = np.repeat(np.arange(1, num_negatives + 1), counts)
        clips.append(neg_clips)
        conds.append(rng.permutation(neg_conds))
    return np.concatenate(clips), np.concatenate(conds)
