# Copyright (c) mmavs contributors. All rights reserved.
"""Visual Post-production (VPO): COCO images paired with VGGSound audio."""
import os.path as osp
from typing import Dict, List, Optional

from mmavs.registry import DATASETS
from .base_av_dataset import BaseAVDataset, DataListError
from .metainfo import (VPO_CLASSES, VPO_COCO_ID_TO_NAME, avss_palette,
                       binary_metainfo)

VPO_SUBSETS = ('ss', 'ms', 'msmi')


def vpo_label_map(classes=VPO_CLASSES, coco_id_to_name=None) -> Dict[int, int]:
    """Mask pixel value (COCO id) -> VPO class index.

    Background (0) and ignore (255) map to themselves.

    Args:
        classes (Sequence[str]): Class names (index 0 = background).
        coco_id_to_name (dict, optional): COCO id -> class name. Defaults to
            :data:`VPO_COCO_ID_TO_NAME`.

    Returns:
        dict[int, int]: The remapping.
    """
    coco_id_to_name = coco_id_to_name or VPO_COCO_ID_TO_NAME
    label_map = {0: 0, 255: 255}
    for coco_id, name in coco_id_to_name.items():
        if name not in classes:
            raise ValueError(f'VPO class {name!r} (COCO id {coco_id}) is not '
                             f'in classes {classes}')
        label_map[int(coco_id)] = classes.index(name)
    return label_map


@DATASETS.register_module()
class VPODataset(BaseAVDataset):
    """VPO-SS / VPO-MS / VPO-MSMI (single frame, 3 s of audio).

    .. code-block:: none

        data_root/                     e.g. data/VPO/VPO-SS
          vpo_ss_data.csv | vpo_ss_data_stereo.csv
              cateName,img_Id,ann_Ids,cateId,vgg_file,split[,audio_pos]
              [,multi_instance]
          data/{cateName}/{img_Id:012d}.jpg          (SS)
          data/{img_Id:012d}.jpg                     (MS, MSMI)
          mask/{cateName}/{img_Id:012d}_{ann_Ids:012d}.png   (SS)
          mask/{img_Id:012d}_{ann_Ids:012d}.png              (MS, MSMI)
        audio_root/{vgg_file}.wav      VGGSound clips

    Masks hold COCO category ids (0 = background, 255 = ignore), remapped to
    :data:`VPO_CLASSES` indices (an id outside the table raises an error).
    SS has one row per item; MS/MSMI have one row per sounding object, so
    the rows of one image form one item whose audio is the sum of the
    objects' VGGSound clips (each centre-cropped to ``audio_seconds``, tiled
    when shorter). With ``stereo=True`` each source is panned by its
    ``audio_pos`` (``[(1 - p) w, p w]``) before mixing. As in the VPO code,
    the CSV split ``'val'`` is the test split (``split='test'`` reads it;
    ``split='val'`` reads it too); any other split value in the CSV is an
    error.

    Args:
        ann_file (str): The CSV. Defaults to ``'vpo_ss_data.csv'``.
        split (str): ``'train'`` or ``'test'`` (``'val'``).
        subset (str): ``'ss'``, ``'ms'`` or ``'msmi'`` (layout of the
            paths, grouping of rows). Defaults to ``'ss'``.
        stereo (bool): Use the ``audio_pos`` column. Defaults to False.
        binary (bool): Sounding vs background masks. Defaults to False.
        audio_seconds (float): Audio window per item. Defaults to 3.0.
        data_prefix (dict): ``img_path`` (``'data'``), ``seg_map_path``
            (``'mask'``) and ``audio_path`` (``'audios'``; may be absolute,
            e.g. the VGGSound folder).
        msmi_single_instance_root (str, optional): For MSMI, rows with
            ``multi_instance == 0`` live in the VPO-MS tree (the VPO code
            rewrites ``VPO-MSMI`` to ``VPO-MS``); give that root here.
            Defaults to None (same root).
        **kwargs: See :class:`BaseAVDataset`.
    """

    METAINFO = dict(
        classes=VPO_CLASSES, palette=avss_palette(len(VPO_CLASSES)).tolist())
    REQUIRED_COLUMNS = ('cateName', 'img_Id', 'ann_Ids', 'cateId', 'vgg_file',
                        'split')
    #: Split values of the VPO CSVs (``'val'`` is the test split).
    CSV_SPLIT_VALUES = ('train', 'val')

    def __init__(self,
                 ann_file: str = 'vpo_ss_data.csv',
                 split: str = 'train',
                 subset: str = 'ss',
                 stereo: bool = False,
                 binary: bool = False,
                 audio_seconds: float = 3.0,
                 data_prefix: Optional[dict] = None,
                 msmi_single_instance_root: Optional[str] = None,
                 metainfo: Optional[dict] = None,
                 **kwargs) -> None:
        if subset not in VPO_SUBSETS:
            raise ValueError(f'subset must be one of {VPO_SUBSETS}, got '
                             f'{subset!r}')
        self.subset = subset
        self.stereo = stereo
        self.binary = binary
        self.audio_seconds = float(audio_seconds)
        self.msmi_single_instance_root = msmi_single_instance_root
        if binary:
            metainfo = binary_metainfo(**(metainfo or {}))
        kwargs.setdefault('num_frames', 1)
        super().__init__(
            ann_file=ann_file,
            split=split,
            metainfo=metainfo,
            data_prefix=data_prefix
            or dict(img_path='data', seg_map_path='mask', audio_path='audios'),
            **kwargs)
        if self.num_frames != 1:
            raise ValueError(f'VPO items have one frame, got num_frames='
                             f'{self.num_frames}')

    def _paths(self, row, img_root: str, mask_root: str):
        img = f'{int(row["img_Id"]):012d}'
        ann = f'{int(row["ann_Ids"]):012d}'
        sub = (str(row['cateName']), ) if self.subset == 'ss' else ()
        if (self.subset == 'msmi' and self.msmi_single_instance_root
                and int(row['multi_instance']) == 0):
            img_root = osp.join(self.msmi_single_instance_root,
                                osp.basename(img_root.rstrip('/')))
            mask_root = osp.join(self.msmi_single_instance_root,
                                 osp.basename(mask_root.rstrip('/')))
        return (osp.join(img_root, *sub, img + '.jpg'),
                osp.join(mask_root, *sub, f'{img}_{ann}.png'))

    def load_data_list(self) -> List[dict]:
        """Read the CSV rows of :attr:`split` into items."""
        required = list(self.REQUIRED_COLUMNS)
        if self.stereo:
            required.append('audio_pos')
        if self.subset == 'msmi' and self.msmi_single_instance_root:
            required.append('multi_instance')
        table = self.read_csv(self.ann_file, required)
        csv_split = {'test': 'val'}.get(self.split, self.split)
        rows = self.select_split(
            table, value=csv_split, allowed=self.CSV_SPLIT_VALUES)
        img_root = self.require_prefix('img_path')
        mask_root = self.data_prefix.get('seg_map_path')
        audio_root = self.require_prefix('audio_path')
        label_map = vpo_label_map()
        group_key = 'ann_Ids' if self.subset == 'ss' else 'img_Id'
        groups = {}
        for row_idx, row in rows.iterrows():
            try:
                key = (int(row['img_Id']), int(row[group_key]))
                self._paths(row, img_root, mask_root or '')
                pos = float(row['audio_pos']) if self.stereo else None
            except (TypeError, ValueError) as err:
                raise DataListError(
                    f'{self.ann_file} row {row_idx + 2}: expected integer '
                    f'img_Id/ann_Ids (and a float audio_pos): {err}') from err
            if pos is not None and not 0.0 <= pos <= 1.0:
                raise DataListError(
                    f'{self.ann_file} row {row_idx + 2}: audio_pos {pos} '
                    'is outside [0, 1]')
            groups.setdefault(key, []).append((row_idx, row, pos))
        data_list = []
        for (img_id, _), members in groups.items():
            row_idx, first, _ = members[0]
            frame_path, mask_path = self._paths(first, img_root, mask_root
                                                or '')
            for other_idx, other, _ in members[1:]:
                if self._paths(other, img_root, mask_root
                               or '') != (frame_path, mask_path):
                    raise DataListError(
                        f'{self.ann_file} rows {row_idx + 2} and '
                        f'{other_idx + 2}: rows of image {img_id} name '
                        'different image/mask files; expected one mask per '
                        'image')
            names = [str(m[1]['cateName']) for m in members]
            flags = self.frame_flags(1, 1, [0] if mask_root else [])
            info = dict(
                clip_id=(f'{img_id}' if self.subset != 'ss' else
                         f'{img_id}_{int(first["ann_Ids"])}'),
                category=','.join(names),
                num_frames=1,
                audio_condition='positive',
                frame_paths=[frame_path],
                mask_paths=[mask_path if mask_root else None],
                mask_format='index',
                label_map=label_map,
                num_classes=(len(VPO_CLASSES) if self.binary else len(
                    self.metainfo['classes'])),
                binary=self.binary,
                audio_path=[
                    osp.join(audio_root,
                             str(m[1]['vgg_file']) + '.wav') for m in members
                ],
                audio_crop_seconds=self.audio_seconds,
                audio_seconds_per_frame=self.audio_seconds,
                **flags)
            if self.stereo:
                info['audio_pan'] = [m[2] for m in members]
            data_list.append(
                self.check_data_info(
                    info, f'{self.ann_file} row {row_idx + 2}', row=first))
        return data_list
