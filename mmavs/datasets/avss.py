# Copyright (c) mmavs contributors. All rights reserved.
"""AVSBench-Semantic (AVSS): the v1s / v1m / v2 subsets, 71 classes."""
import os.path as osp
from typing import List, Optional, Sequence

import numpy as np

from mmavs.registry import DATASETS
from .base_av_dataset import BaseAVDataset, DataListError
from .metainfo import AVSS_CLASSES, avss_palette, binary_metainfo

#: Frames of a clip in each subset (v1 clips are 5 s, v2 clips 10 s).
AVSS_SUBSET_FRAMES = dict(v1s=5, v1m=5, v2=10)


@DATASETS.register_module()
class AVSSDataset(BaseAVDataset):
    """AVSBench-Semantic, official release layout.

    .. code-block:: none

        data_root/                   e.g. data/AVSBench-semantic
          metadata.csv   vid,uid,s_min,s_sec,a_obj,split,label
          {label}/{uid}/frames/{i}.jpg          i = 0..4 (v1s, v1m), 0..9 (v2)
          {label}/{uid}/labels_rgb/{i}.png      71-colour palette masks
          {label}/{uid}/labels_semantic/{i}.png (class-index masks, optional)
          {label}/{uid}/audio.wav

    Mask colours are decoded through the AVSBench palette (71 colours, or
    as many as the dataset's classes when more) and every decoded label must
    be one of the dataset's ``metainfo['classes']``: a mask holding the
    colour of class 10 in a 6-class dataset is an error naming the clip,
    the file and the class.

    Each clip has ``num_frames`` (10) frames; v1 clips (5 frames) are padded
    with ``valid=False`` frames (``frame_paths``/``mask_paths`` None), as the
    official dataloader pads them with zeros. Labelled frames follow the
    official ``gt_temporal_mask_flag``: a v1s clip of the train split has
    only frame 0 annotated; every real frame of other clips is annotated.

    ``subsets`` picks S4-only (``('v1s',)``), MS3-only (``('v1m',)``) or
    everything; ``binary=True`` turns the masks into sounding / not
    sounding, so that S4/MS3 can be trained from this layout (set
    ``num_frames=5`` to drop the padding for v1-only subsets).

    Args:
        ann_file (str): Defaults to ``'metadata.csv'``.
        split (str): ``'train'``, ``'val'`` or ``'test'``.
        subsets (Sequence[str]): Values of the ``label`` column to read.
            Defaults to ``('v1s', 'v1m', 'v2')``.
        binary (bool): Sounding vs background masks. Defaults to False.
        mask_source (str): ``'rgb'`` decodes ``labels_rgb`` through the
            palette (official); ``'semantic'`` reads ``labels_semantic``
            class-index PNGs. Defaults to ``'rgb'``.
        num_frames (int): ``T``. Defaults to 10.
        data_prefix (dict): ``root`` folder of the ``{label}`` trees, relative
            to ``data_root``. Defaults to ``dict(root='')``.
        **kwargs: See :class:`BaseAVDataset`.
    """

    METAINFO = dict(classes=AVSS_CLASSES, palette=avss_palette().tolist())
    REQUIRED_COLUMNS = ('vid', 'uid', 's_min', 's_sec', 'a_obj', 'split',
                        'label')

    def __init__(self,
                 ann_file: str = 'metadata.csv',
                 split: str = 'train',
                 subsets: Sequence[str] = ('v1s', 'v1m', 'v2'),
                 binary: bool = False,
                 mask_source: str = 'rgb',
                 num_frames: int = 10,
                 data_prefix: Optional[dict] = None,
                 metainfo: Optional[dict] = None,
                 **kwargs) -> None:
        unknown = set(subsets) - set(AVSS_SUBSET_FRAMES)
        if unknown or not subsets:
            raise ValueError(f'subsets must be a non-empty subset of '
                             f'{tuple(AVSS_SUBSET_FRAMES)}, got {subsets}')
        if mask_source not in ('rgb', 'semantic'):
            raise ValueError(f"mask_source must be 'rgb' or 'semantic', got "
                             f'{mask_source!r}')
        too_long = [s for s in subsets if AVSS_SUBSET_FRAMES[s] > num_frames]
        if too_long:
            raise ValueError(f'num_frames={num_frames} is shorter than the '
                             f'clips of subset(s) {too_long}')
        self.subsets = tuple(subsets)
        self.binary = binary
        self.mask_source = mask_source
        if binary:
            metainfo = binary_metainfo(**(metainfo or {}))
        super().__init__(
            ann_file=ann_file,
            split=split,
            num_frames=num_frames,
            metainfo=metainfo,
            data_prefix=data_prefix or dict(root=''),
            **kwargs)

    def load_data_list(self) -> List[dict]:
        """Read the CSV rows of :attr:`split` and :attr:`subsets`."""
        table = self.read_csv(self.ann_file, self.REQUIRED_COLUMNS, dtype=str)
        bad = sorted(set(table['label']) - set(AVSS_SUBSET_FRAMES))
        if bad:
            first = int(
                np.flatnonzero(~table['label'].isin(list(AVSS_SUBSET_FRAMES)))
                [0])
            raise DataListError(
                f'{self.ann_file} row {first + 2}: label {bad[0]!r} is not '
                f'one of {tuple(AVSS_SUBSET_FRAMES)}')
        rows = self.select_split(table)
        rows = rows[rows['label'].isin(list(self.subsets))]
        root = self.data_prefix.get('root') or self.data_root or ''
        mask_dir_name = ('labels_rgb'
                         if self.mask_source == 'rgb' else 'labels_semantic')
        # decoded labels must be classes of this dataset (binary masks only
        # need colours of the full palette)
        num_classes = (
            len(AVSS_CLASSES)
            if self.binary else len(self.metainfo['classes']))
        palette_size = max(len(AVSS_CLASSES), num_classes)
        data_list = []
        for row_idx, row in rows.iterrows():
            uid, subset = str(row['uid']), str(row['label'])
            clip_dir = osp.join(root, subset, uid)
            num_valid = AVSS_SUBSET_FRAMES[subset]
            labelled_idx = ([0] if subset == 'v1s' and self.split == 'train'
                            else range(num_valid))
            flags = self.frame_flags(num_valid, self.num_frames, labelled_idx)
            info = dict(
                clip_id=uid,
                vid=str(row['vid']),
                subset=subset,
                category=str(row['a_obj']),
                num_frames=self.num_frames,
                audio_condition='positive',
                frame_paths=[
                    osp.join(clip_dir, 'frames', f'{i}.jpg')
                    if flags['valid'][i] else None
                    for i in range(self.num_frames)
                ],
                mask_paths=[
                    osp.join(clip_dir, mask_dir_name, f'{i}.png')
                    if flags['labelled'][i] else None
                    for i in range(self.num_frames)
                ],
                mask_format='palette'
                if self.mask_source == 'rgb' else 'index',
                num_classes=num_classes,
                palette_size=palette_size,
                binary=self.binary,
                audio_path=osp.join(clip_dir, 'audio.wav'),
                **flags)
            data_list.append(
                self.check_data_info(
                    info, f'{self.ann_file} row {row_idx + 2}', row=row))
        if not data_list:
            raise DataListError(
                f'{self.ann_file}: no clip of split {self.split!r} in '
                f'subsets {self.subsets}')
        return data_list
