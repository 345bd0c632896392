# Copyright (c) mmavs contributors. All rights reserved.
"""The base class of the mmavs clip datasets."""
import os.path as osp
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.dataset import BaseDataset
from mmengine.logging import print_log

from .metainfo import binary_metainfo


class DataListError(ValueError):
    """A dataset annotation (CSV row, folder layout) is malformed."""


class BaseAVDataset(BaseDataset):
    """Base class of audio-visual segmentation datasets.

    One item is one **clip**: ``num_frames`` video frames sharing one audio
    track. :meth:`load_data_list` of a subclass returns one dict per clip
    with at least these keys (checked by :meth:`check_data_info`):

    - ``clip_id`` (str), ``category`` (str, ``''`` when unknown),
      ``num_frames`` (int ``T``), ``audio_condition`` (str, ``'positive'``
      for the clip's own audio);
    - ``frame_paths`` (list[str | None], length ``T``; ``None`` for padding
      frames), ``mask_paths`` (list[str | None]; ``None`` = no label);
    - ``valid`` (list[bool]; ``False`` for padding frames), ``labelled``
      (list[bool]; ``False`` where no mask is used for training);
    - one audio source: ``audio_path`` (a wav/flac/mp3 file, or a list of
      files to mix) or ``audio_feat_path`` (``.pkl``/``.npy``);
    - ``mask_format`` naming how the mask files are decoded (see
      :class:`mmavs.datasets.transforms.LoadAVAnnotations`), plus what that
      decoding needs (``palette``, ``label_map``, ``binary``...).

    Args:
        ann_file (str): The annotation CSV, relative to ``data_root``.
        split (str): Which split of the CSV to read (``'train'``, ``'val'``,
            ``'test'``).
        num_frames (int): Frames per clip ``T``.
        metainfo (dict, optional): Overrides of :attr:`METAINFO`.
        data_root (str): Root of the dataset download.
        data_prefix (dict): Sub-folders, relative to ``data_root``.
        meta_columns (Sequence[str]): Extra CSV columns copied verbatim into
            every clip dict (and, through :class:`PackAVSInputs`, into the
            frame metainfo when listed in its ``meta_keys``), e.g.
            ``('case',)`` for the SynthAVS case types. Defaults to ().
        **kwargs: Other arguments of :class:`mmengine.dataset.BaseDataset`
            (``pipeline``, ``test_mode``, ``lazy_init``, ``serialize_data``,
            ``indices``, ...).
    """

    METAINFO: dict = binary_metainfo()

    #: The values the split column of the annotation CSV may hold.
    SPLIT_VALUES = ('train', 'val', 'test')

    #: Keys every clip dict must carry.
    REQUIRED_KEYS = ('clip_id', 'category', 'num_frames', 'audio_condition',
                     'frame_paths', 'mask_paths', 'valid', 'labelled',
                     'mask_format')

    def __init__(self,
                 ann_file: str = '',
                 split: str = 'train',
                 num_frames: int = 5,
                 metainfo: Optional[dict] = None,
                 data_root: str = '',
                 data_prefix: Optional[Dict[str, str]] = None,
                 meta_columns: Sequence[str] = (),
                 **kwargs) -> None:
        self.split = split
        self.meta_columns = tuple(meta_columns)
        self._split_counts: Optional[Dict[str, int]] = None
        self.num_frames = int(num_frames)
        if self.num_frames < 1:
            raise ValueError(f'num_frames must be >= 1, got {num_frames}')
        super().__init__(
            ann_file=ann_file,
            metainfo=metainfo,
            data_root=data_root,
            data_prefix=dict(data_prefix or {}),
            **kwargs)

    # ------------------------------------------------------------------
    # helpers for subclasses
    # ------------------------------------------------------------------
    @staticmethod
    def read_csv(path: str,
                 required_columns: Sequence[str],
                 dtype: Optional[dict] = None):
        """Read an annotation CSV and check its columns.

        Args:
            path (str): The CSV file.
            required_columns (Sequence[str]): Columns that must be present.
            dtype (dict, optional): Column dtypes passed to pandas (ids are
                read as ``str`` so that YouTube ids like ``'0e1x...'`` and
                numeric-looking ids keep their form).

        Returns:
            pandas.DataFrame: The table.

        Raises:
            FileNotFoundError: If the CSV is missing.
            DataListError: If a required column is missing.
        """
        import pandas as pd
        if not osp.isfile(path):
            raise FileNotFoundError(f'annotation file not found: {path}')
        try:
            table = pd.read_csv(
                path, sep=',', dtype=dtype, keep_default_na=False)
        except Exception as err:
            raise DataListError(f'cannot parse annotation CSV {path}: '
                                f'{err}') from err
        missing = [c for c in required_columns if c not in table.columns]
        if missing:
            raise DataListError(
                f'annotation CSV {path} lacks the column(s) {missing}; '
                f'expected columns {list(required_columns)}, found '
                f'{list(table.columns)}')
        return table

    def require_prefix(self, key: str) -> str:
        """The folder ``data_prefix[key]``.

        Raises:
            DataListError: If ``data_prefix`` does not name it.
        """
        if not self.data_prefix.get(key):
            raise DataListError(
                f'{type(self).__name__}: data_prefix must name {key!r}, got '
                f'{self.data_prefix}')
        return self.data_prefix[key]

    def check_table(self,
                    table,
                    column: str = 'split',
                    allowed: Optional[Sequence[str]] = None) -> Dict[str, int]:
        """Check the whole annotation table before reading any row.

        Every row must hold a known split value (no row is dropped for a
        misspelt split), and the table must have the :attr:`meta_columns`
        (reported once, for the file).

        Args:
            table (pandas.DataFrame): The table of :meth:`read_csv`.
            column (str): The split column. Defaults to 'split'.
            allowed (Sequence[str], optional): Allowed split values.
                Defaults to :attr:`SPLIT_VALUES`.

        Returns:
            dict[str, int]: The number of rows of each allowed value.

        Raises:
            DataListError: For a missing meta column or an unknown split.
        """
        allowed = tuple(allowed or self.SPLIT_VALUES)
        missing = [c for c in self.meta_columns if c not in table.columns]
        if missing:
            raise DataListError(
                f'annotation CSV {self.ann_file} lacks the meta column(s) '
                f'{missing} named by meta_columns={self.meta_columns}; found '
                f'columns {list(table.columns)}')
        values = table[column].astype(str)
        unknown = ~values.isin(allowed).to_numpy()
        if unknown.any():
            first = int(np.flatnonzero(unknown)[0])
            raise DataListError(
                f'{self.ann_file} row {int(table.index[first]) + 2}: '
                f'{column} {values.iloc[first]!r} is not one of {allowed} '
                f'({int(unknown.sum())} row(s) of the CSV hold an unknown '
                f'{column}: {sorted(set(values[unknown]))})')
        counts = values.value_counts()
        return {value: int(counts.get(value, 0)) for value in allowed}

    def select_split(self,
                     table,
                     column: str = 'split',
                     value: Optional[str] = None,
                     allowed: Optional[Sequence[str]] = None):
        """Rows of ``table`` whose ``column`` equals :attr:`split`.

        The table is checked first (:meth:`check_table`); the number of rows
        of each split is logged when the dataset has loaded.

        Args:
            table (pandas.DataFrame): The table of :meth:`read_csv`.
            column (str): The split column. Defaults to 'split'.
            value (str, optional): The value to select, when the CSV names
                the split differently. Defaults to :attr:`split`.
            allowed (Sequence[str], optional): See :meth:`check_table`.

        Raises:
            DataListError: If a row has an unknown split or no row belongs
                to the split.
        """
        value = self.split if value is None else value
        self._split_counts = self.check_table(table, column, allowed)
        rows = table[table[column] == value]
        if len(rows) == 0:
            raise DataListError(
                f'no row of {self.ann_file} has {column}={value!r}; '
                f'found values {sorted(set(table[column]))}')
        return rows

    def full_init(self) -> None:
        """Load the annotations and log how many clips each split holds."""
        if self._fully_initialized:
            return
        super().full_init()
        counts = self._split_counts
        per_split = ', '.join(
            f'{n} {s}' for s, n in counts.items()) if counts else 'unknown'
        print_log(
            f'{type(self).__name__}: {self.ann_file} holds {per_split} '
            f'row(s); split {self.split!r}: {len(self)} clip(s) loaded',
            logger='current')

    def check_data_info(self, info: dict, where: str, row=None) -> dict:
        """Check a clip dict against the data contract.

        Args:
            info (dict): The clip dict.
            where (str): Where it came from (used in error messages).
            row (Mapping, optional): The CSV row, whose :attr:`meta_columns`
                are copied into ``info``.

        Returns:
            dict: ``info`` (with the meta columns).

        Raises:
            DataListError: If a key or meta column is missing or the
                per-frame lists do not have ``num_frames`` entries.
        """
        if row is not None:
            for column in self.meta_columns:
                if column not in row:
                    raise DataListError(
                        f'{where}: meta column {column!r} is not in the CSV')
                info[column] = str(row[column])
        missing = [k for k in self.REQUIRED_KEYS if k not in info]
        if 'audio_path' not in info and 'audio_feat_path' not in info:
            missing.append('audio_path | audio_feat_path')
        if missing:
            raise DataListError(f'{where}: clip dict lacks {missing}')
        num = info['num_frames']
        for key in ('frame_paths', 'mask_paths', 'valid', 'labelled'):
            if len(info[key]) != num:
                raise DataListError(
                    f'{where}: {key} has {len(info[key])} entries, expected '
                    f'num_frames={num}')
        return info

    @staticmethod
    def frame_flags(num_valid: int, num_frames: int,
                    labelled_idx: Sequence[int]) -> Dict[str, List[bool]]:
        """``valid`` and ``labelled`` flags of a clip.

        Args:
            num_valid (int): Real frames (the rest is padding).
            num_frames (int): ``T``.
            labelled_idx (Sequence[int]): Indices of the labelled frames.

        Returns:
            dict: ``valid`` and ``labelled`` lists of length ``T``.
        """
        valid = [i < num_valid for i in range(num_frames)]
        labelled_set = set(labelled_idx)
        labelled = [v and i in labelled_set for i, v in enumerate(valid)]
        return dict(valid=valid, labelled=labelled)
