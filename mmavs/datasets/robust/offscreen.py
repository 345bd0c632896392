# Copyright (c) mmavs contributors. All rights reserved.
"""Off-screen sound for AVSBench-Robust: which other clip lends its audio.

A clip's off-screen audio comes from a clip of the same dataset whose sound
categories belong to none of the clip's semantic groups, also avoiding the
official "least suitable" groups (e.g. music clips take no human sound).
When no clip qualifies, the avoidance, then the group constraint are relaxed
(a clip with no shared category); none left raises an error.
"""
import os.path as osp
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

#: How a source is drawn among the qualifying clips: a category (set)
#: uniformly, then a clip (the official S4 generator), or a clip uniformly
#: (the official MS3 generator).
OFFSCREEN_SAMPLING = ('category', 'clip')

_CATEGORY_FILE_KEYS = {
    'path', 'id_column', 'category_column', 'separator', 'filters'
}


def read_category_file(spec: Mapping,
                       data_root: str = '') -> Dict[str, List[str]]:
    """Clip id -> category names, read from a CSV.

    Args:
        spec (Mapping): ``path`` (relative paths also tried under
            ``data_root``), ``id_column`` (default ``'vid'``),
            ``category_column`` (default ``'a_obj'``), ``separator`` (None:
            one category per row) and ``filters`` (column -> value).
        data_root (str): Folder of relative paths.

    Returns:
        dict[str, list[str]]: The categories of every clip id of the file.
    """
    import pandas as pd
    spec = dict(spec)
    unknown = set(spec) - _CATEGORY_FILE_KEYS
    if unknown or 'path' not in spec:
        raise ValueError(
            f'RobustAVSDataset: category_file {spec} must have path and '
            'only id_column, category_column, separator, filters')
    path = spec['path']
    if not osp.isfile(path):
        alt = osp.join(data_root or '', path)
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


def clip_category_names(clip_infos: Sequence[Mapping],
                        clip_categories: Optional[Mapping] = None,
                        where: str = 'clip_categories',
                        separator: Optional[str] = None) -> List[List[str]]:
    """The sound categories of every clip.

    Args:
        clip_infos (Sequence[Mapping]): The clip dicts (``clip_id``,
            ``category``) in dataset order.
        clip_categories (Mapping, optional): Clip id -> category names (list
            or str); when given, every clip must have an entry.
        where (str): Name of the mapping in error messages.
        separator (str, optional): Split a clip's ``category`` into several
            names (used without ``clip_categories``).

    Returns:
        list[list[str]]: Non-empty category lists, one per clip.
    """
    out = []
    for info in clip_infos:
        clip_id = str(info['clip_id'])
        if clip_categories is not None:
            if clip_id not in clip_categories:
                raise KeyError(
                    f'RobustAVSDataset: clip {clip_id} has no entry in '
                    f'{where}; off-screen audio needs the categories of '
                    'every clip')
            cats = clip_categories[clip_id]
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
            cats = cat.split(separator) if separator else [cat]
        cats = [c for c in cats if c]
        if not cats:
            raise ValueError(f'RobustAVSDataset: clip {clip_id} has an '
                             'empty category list')
        out.append(cats)
    return out


class OffscreenSampler:
    """Draws the clip that lends its audio to a clip's off-screen sound.

    Args:
        clip_categories (Sequence[Sequence[str]]): Category names of every
            clip (dataset order).
        category_groups (Mapping[str, str]): Category -> semantic group;
            must cover every category.
        avoid_groups (Mapping[str, Sequence[str]]): Group -> groups also
            avoided as source.
        sampling (str): One of :data:`OFFSCREEN_SAMPLING`.
        clip_ids (Sequence[str], optional): Clip ids, for error messages.
    """

    def __init__(self,
                 clip_categories: Sequence[Sequence[str]],
                 category_groups: Mapping[str, str],
                 avoid_groups: Mapping[str, Sequence[str]],
                 sampling: str = 'category',
                 clip_ids: Optional[Sequence[str]] = None) -> None:
        if sampling not in OFFSCREEN_SAMPLING:
            raise ValueError("RobustAVSDataset: offscreen_sampling must be "
                             f"'category' or 'clip', got {sampling!r}")
        self.sampling = sampling
        self.avoid_groups = {k: tuple(v) for k, v in avoid_groups.items()}
        names = [list(c) for c in clip_categories]
        ids = list(clip_ids) if clip_ids is not None else [
            str(i) for i in range(len(names))
        ]
        missing: Dict[str, str] = {}
        for i, cats in enumerate(names):
            for c in cats:
                if c not in category_groups and c not in missing:
                    missing[c] = ids[i]
        if missing:
            shown = ', '.join(f'{c!r} (clip {v})'
                              for c, v in list(missing.items())[:10])
            raise ValueError(
                f'RobustAVSDataset: {len(missing)} categor(y/ies) have no '
                f'semantic group in category_groups: {shown}; give '
                'category_groups=dict(category=group) covering them '
                '(default: the official S4 mapping)')
        cat_vocab = sorted({c for cats in names for c in cats})
        group_vocab = sorted(set(category_groups.values()))
        cat_id = {c: i for i, c in enumerate(cat_vocab)}
        group_id = {g: i for i, g in enumerate(group_vocab)}
        num = len(names)
        self._cat_matrix = np.zeros((num, len(cat_vocab)), bool)
        self._group_matrix = np.zeros((num, len(group_vocab)), bool)
        keys = []
        for i, cats in enumerate(names):
            self._cat_matrix[i, [cat_id[c] for c in cats]] = True
            self._group_matrix[
                i, [group_id[category_groups[c]] for c in cats]] = True
            keys.append(tuple(sorted(set(cats))))
        self._group_id = group_id
        key_vocab = sorted(set(keys))
        key_id = {k: i for i, k in enumerate(key_vocab)}
        self._clip_key = np.array([key_id[k] for k in keys], np.int64)
        self._clip_key_names = key_vocab
        self._cache: Dict[int, Tuple[np.ndarray, str]] = {}

    def candidates(self, clip: int) -> Tuple[np.ndarray, str]:
        """The clips that may lend their audio to ``clip``.

        Args:
            clip (int): Clip index.

        Returns:
            tuple[np.ndarray, str]: Candidate clip indices and the level
            that gave them: ``'group'`` (no shared or avoided group),
            ``'group_relaxed'`` (no shared group) or ``'category'`` (no
            shared category).
        """
        key = int(self._clip_key[clip])
        if key in self._cache:
            return self._cache[key]
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
                self._cache[key] = (cand, level)
                return cand, level
        raise ValueError(
            'RobustAVSDataset: no off-screen source for categories '
            f'{self._clip_key_names[key]}: every other clip of the dataset '
            'shares a category with it')

    def draw(self, clip: int, rng: np.random.Generator) -> Tuple[int, str]:
        """Draw the source clip of ``clip``'s off-screen audio.

        Args:
            clip (int): Clip index.
            rng (np.random.Generator): The sample's generator.

        Returns:
            tuple[int, str]: Source clip index and the candidate level.
        """
        cand, level = self.candidates(clip)
        if self.sampling == 'clip':
            return int(cand[rng.integers(len(cand))]), level
        keys = np.unique(self._clip_key[cand])
        key = keys[rng.integers(len(keys))]
        pool = cand[self._clip_key[cand] == key]
        return int(pool[rng.integers(len(pool))]), level
