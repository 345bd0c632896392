# Copyright (c) mmavs contributors. All rights reserved.
"""AVSBench-Object (v1 release): the S4 and MS3 subsets."""
import os.path as osp
from typing import Dict, List, Optional

from mmavs.registry import DATASETS
from .base_av_dataset import BaseAVDataset
from .metainfo import S4_CATEGORIES, binary_metainfo


def _release_prefix(base: str) -> Dict[str, str]:
    """The data_prefix of the released layout below ``base``."""
    return dict(
        frame_path=f'{base}/visual_frames',
        mask_path=f'{base}/gt_masks',
        audio_path=f'{base}/audio_wav',
        audio_feat_path=f'{base}/audio_log_mel')


def _join(prefix: Optional[str], *parts: str) -> Optional[str]:
    return None if not prefix else osp.join(prefix, *parts)


@DATASETS.register_module()
class AVSBenchS4Dataset(BaseAVDataset):
    """AVSBench-Object single-source (S4), official v1 layout.

    .. code-block:: none

        data_root/                       e.g. data/AVSBench-object
          Single-source/s4_meta_data.csv  (name, ..., category, split)
          Single-source/s4_data/
            visual_frames/{split}/{category}/{name}/{name}_{1..5}.png
            gt_masks/{split}/{category}/{name}/{name}_{1..5}.png
            audio_wav/{split}/{category}/{name}.wav
            audio_log_mel/{split}/{category}/{name}.pkl  # [5, 1, 96, 64]

    Five frames per clip (one per second). As in the official dataloader only
    frame 1 is annotated in the train split: frames 2..5 of a train clip
    have ``mask_paths=None`` and ``labelled=False``; val/test clips use all
    five masks. Masks are binary: grey value > ``binary_threshold`` is the
    sounding object (the official ``PIL.convert('1')``).

    Args:
        ann_file (str): The meta CSV. Defaults to
            ``'Single-source/s4_meta_data.csv'``.
        split (str): ``'train'``, ``'val'`` or ``'test'``.
        data_prefix (dict): Folders of ``frame_path``, ``mask_path``,
            ``audio_path`` (wav) and ``audio_feat_path`` (log-mel pkl); an
            empty/None entry leaves that source out.
        name_column (str, optional): Column of the video name; ``None`` uses
            the first column, as the official loader does (``df[0]``).
        binary_threshold (int): Grey level above which a mask pixel is
            foreground. Defaults to 127.
        **kwargs: See :class:`BaseAVDataset`.
    """

    METAINFO = binary_metainfo(categories=S4_CATEGORIES)
    NUM_FRAMES = 5

    def __init__(self,
                 ann_file: str = 'Single-source/s4_meta_data.csv',
                 split: str = 'train',
                 data_prefix: Optional[Dict[str, str]] = None,
                 name_column: Optional[str] = None,
                 binary_threshold: int = 127,
                 **kwargs) -> None:
        self.name_column = name_column
        self.binary_threshold = binary_threshold
        if data_prefix is None:
            data_prefix = _release_prefix('Single-source/s4_data')
        kwargs.setdefault('num_frames', self.NUM_FRAMES)
        super().__init__(
            ann_file=ann_file, split=split, data_prefix=data_prefix, **kwargs)

    def _name_col(self, table) -> str:
        return self.name_column or table.columns[0]

    def _clip_info(self, name: str, category: str, frame_paths: List[str],
                   mask_paths: List[str], labelled_idx, audio: Optional[str],
                   feat: Optional[str], where: str, row) -> dict:
        """The checked clip dict of one CSV row (S4 and MS3 layouts)."""
        flags = self.frame_flags(self.num_frames, self.num_frames,
                                 labelled_idx)
        info = dict(
            clip_id=name,
            category=category,
            num_frames=self.num_frames,
            audio_condition='positive',
            frame_paths=frame_paths,
            mask_paths=[
                path if labelled else None
                for path, labelled in zip(mask_paths, flags['labelled'])
            ],
            mask_format='binary',
            binary_threshold=self.binary_threshold,
            **flags)
        if audio:
            info['audio_path'] = audio
        if feat:
            info['audio_feat_path'] = feat
        return self.check_data_info(info, where, row=row)

    def load_data_list(self) -> List[dict]:
        """Read the CSV rows of :attr:`split` into clip dicts."""
        table = self.read_csv(
            self.ann_file, ['category', 'split'] +
            ([self.name_column] if self.name_column else []),
            dtype=str)
        rows = self.select_split(table)
        name_col = self._name_col(table)
        prefix = self.data_prefix
        self.require_prefix('frame_path')
        train = self.split == 'train'
        data_list = []
        for row_idx, row in rows.iterrows():
            name, category = str(row[name_col]), str(row['category'])
            sub = (self.split, category, name)
            frame_dir = _join(prefix.get('frame_path'), *sub)
            mask_dir = _join(prefix.get('mask_path'), *sub)
            frames = range(1, self.num_frames + 1)
            data_list.append(
                self._clip_info(
                    name, category,
                    [osp.join(frame_dir, f'{name}_{i}.png') for i in frames], [
                        osp.join(mask_dir, f'{name}_{i}.png')
                        if mask_dir else None for i in frames
                    ], ([] if not mask_dir else
                        [0] if train else range(self.num_frames)),
                    _join(
                        prefix.get('audio_path'), self.split, category,
                        name + '.wav'),
                    _join(
                        prefix.get('audio_feat_path'), self.split, category,
                        name + '.pkl'), f'{self.ann_file} row {row_idx + 2}',
                    row))
        return data_list


@DATASETS.register_module()
class AVSBenchMS3Dataset(AVSBenchS4Dataset):
    """AVSBench-Object multi-source (MS3), official v1 layout.

    .. code-block:: none

        data_root/                       e.g. data/AVSBench-object
          Multi-sources/ms3_meta_data.csv  (video id, ..., split)
          Multi-sources/ms3_data/
            visual_frames/{vid}/{vid}.mp4_{1..5}.png   # no split folder
            gt_masks/{split}/{vid}/{vid}_{1..5}.png
            audio_wav/{split}/{vid}.wav
            audio_log_mel/{split}/{vid}.pkl           # [5, 1, 96, 64]

    All five frames are annotated in every split. ``category`` is ``''``.

    Args:
        ann_file (str): Defaults to ``'Multi-sources/ms3_meta_data.csv'``.
        data_prefix (dict): As :class:`AVSBenchS4Dataset`, under
            ``Multi-sources/ms3_data``.
        **kwargs: See :class:`AVSBenchS4Dataset`.
    """

    METAINFO = binary_metainfo()

    def __init__(self,
                 ann_file: str = 'Multi-sources/ms3_meta_data.csv',
                 data_prefix: Optional[Dict[str, str]] = None,
                 **kwargs) -> None:
        super().__init__(
            ann_file=ann_file,
            data_prefix=data_prefix
            or _release_prefix('Multi-sources/ms3_data'),
            **kwargs)

    def load_data_list(self) -> List[dict]:
        """Read the CSV rows of :attr:`split` into clip dicts."""
        table = self.read_csv(
            self.ann_file,
            ['split'] + ([self.name_column] if self.name_column else []),
            dtype=str)
        rows = self.select_split(table)
        name_col = self._name_col(table)
        prefix = self.data_prefix
        self.require_prefix('frame_path')
        data_list = []
        for row_idx, row in rows.iterrows():
            vid = str(row[name_col])
            frame_dir = _join(prefix.get('frame_path'), vid)
            mask_dir = _join(prefix.get('mask_path'), self.split, vid)
            frames = range(1, self.num_frames + 1)
            data_list.append(
                self._clip_info(
                    vid, '', [
                        osp.join(frame_dir, f'{vid}.mp4_{i}.png')
                        for i in frames
                    ], [
                        osp.join(mask_dir, f'{vid}_{i}.png')
                        if mask_dir else None for i in frames
                    ],
                    range(self.num_frames) if mask_dir else [],
                    _join(prefix.get('audio_path'), self.split, vid + '.wav'),
                    _join(
                        prefix.get('audio_feat_path'), self.split,
                        vid + '.pkl'), f'{self.ann_file} row {row_idx + 2}',
                    row))
        return data_list
