# Copyright (c) mmavs contributors. All rights reserved.
"""SynthAVS as a *raw release*: mp4 videos with audio tracks, the metadata
CSVs and the ground-truth masks, laid out as the AVSBench downloads before
preprocessing.

:func:`render_raw_release` turns a generated SynthAVS tree into that form,
so the dataset converter (``tools/dataset_converters/avsbench.py``) and the
checker (``tools/misc/check_dataset.py``) can be run end to end without the
real videos, and what they produce can be compared with the generated
frames and audio. Each frame of a clip is shown for one second (``fps``
identical frames), the clip's wav is the audio track (resampled to
``audio_rate`` and encoded with ``audio_codec``)::

    OUT/Single-source/s4_meta_data.csv
    OUT/Single-source/s4_data/gt_masks/...            (copied)
    OUT/Single-source/s4_data/raw_videos/{split}/{category}/{name}.mp4
    OUT/Multi-sources/ms3_meta_data.csv
    OUT/Multi-sources/ms3_data/gt_masks/...           (copied)
    OUT/Multi-sources/ms3_data/raw_videos/{vid}.mp4
    OUT/AVSS/metadata.csv, label2idx.json
    OUT/AVSS/{label}/{uid}/labels_rgb/...             (copied)
    OUT/AVSS/raw_videos/{label}/{uid}.mp4

No frame, wav or log-mel file is copied: the converter makes them.
"""
import os
import os.path as osp
import shutil
from typing import Dict, Optional, Sequence

import cv2

from .params import LAYOUT_CSVS, LAYOUT_DIRS, LAYOUTS

__all__ = ['render_raw_release', 'RAW_VIDEO_DIRS']

#: Folder of the raw videos of each layout, below its layout folder.
RAW_VIDEO_DIRS = {
    's4': osp.join('s4_data', 'raw_videos'),
    'ms3': osp.join('ms3_data', 'raw_videos'),
    'avss': 'raw_videos'
}


def _dataset(layout: str, root: str, split: str):
    from mmavs.datasets import (AVSBenchMS3Dataset, AVSBenchS4Dataset,
                                AVSSDataset, DataListError)
    cls = dict(
        s4=AVSBenchS4Dataset, ms3=AVSBenchMS3Dataset, avss=AVSSDataset)[layout]
    kwargs = dict(
        data_root=root, split=split, pipeline=[], serialize_data=False)
    if layout != 'avss':
        kwargs['data_root'] = osp.dirname(root.rstrip('/'))
    try:
        return cls(**kwargs)
    except DataListError:
        return None


def _video_name(layout: str, info: dict, split: str) -> str:
    if layout == 's4':
        return osp.join(split, info['category'], info['clip_id'] + '.mp4')
    if layout == 'ms3':
        return info['clip_id'] + '.mp4'
    return osp.join(info['subset'], info['clip_id'] + '.mp4')


def render_raw_release(synth_root: str,
                       out_root: str,
                       layouts: Optional[Sequence[str]] = None,
                       fps: float = 25.0,
                       audio_rate: int = 44100,
                       audio_codec: str = 'aac',
                       video_options: Optional[Dict[str, str]] = None,
                       pix_fmt: str = 'yuv420p') -> Dict[str, int]:
    """Write the raw-release form of a SynthAVS tree.

    Args:
        synth_root (str): A tree of
            :func:`~mmavs.synthavs.generate_synthavs`.
        out_root (str): Output folder (created).
        layouts (Sequence[str], optional): Layouts to render; default: those
            present in ``synth_root``.
        fps (float): Video frame rate. Defaults to 25.
        audio_rate (int): Sample rate of the audio track. Defaults to
            44100 (as most YouTube videos).
        audio_codec (str): ``'aac'`` (default, lossy, as the release) or a
            lossless one (``'alac'``, ``'flac'``).
        video_options (dict, optional): H.264 options. Defaults to
            ``{'crf': '18'}``.
        pix_fmt (str): Pixel format. Defaults to ``'yuv420p'``.

    Returns:
        dict[str, int]: Videos written per layout.
    """
    from mmavs.datasets.audio_io import load_audio
    from mmavs.datasets.video_io import write_video
    if layouts is None:
        layouts = [
            lay for lay in LAYOUTS
            if osp.isfile(osp.join(synth_root, LAYOUT_DIRS[lay],
                                   LAYOUT_CSVS[lay]))
        ]
    options = dict(video_options or {'crf': '18'})
    counts = {}
    for layout in layouts:
        src = osp.join(synth_root, LAYOUT_DIRS[layout])
        dst = osp.join(out_root, LAYOUT_DIRS[layout])
        os.makedirs(dst, exist_ok=True)
        shutil.copyfile(
            osp.join(src, LAYOUT_CSVS[layout]),
            osp.join(dst, LAYOUT_CSVS[layout]))
        if layout == 'avss' and osp.isfile(osp.join(src, 'label2idx.json')):
            shutil.copyfile(
                osp.join(src, 'label2idx.json'),
                osp.join(dst, 'label2idx.json'))
        if layout != 'avss':
            sub = f'{layout}_data'
            shutil.copytree(
                osp.join(src, sub, 'gt_masks'),
                osp.join(dst, sub, 'gt_masks'),
                dirs_exist_ok=True)
        counts[layout] = 0
        for split in ('train', 'val', 'test'):
            dataset = _dataset(layout, src, split)
            if dataset is None:
                continue
            for idx in range(len(dataset)):
                info = dataset.get_data_info(idx)
                if layout == 'avss':
                    for folder in ('labels_rgb', 'labels_semantic'):
                        clip_dir = osp.join(info['subset'], info['clip_id'])
                        if osp.isdir(osp.join(src, clip_dir, folder)):
                            shutil.copytree(
                                osp.join(src, clip_dir, folder),
                                osp.join(dst, clip_dir, folder),
                                dirs_exist_ok=True)
                frames = []
                for path in info['frame_paths']:
                    if path is None:
                        continue
                    image = cv2.imread(path, cv2.IMREAD_COLOR)
                    if image is None:
                        raise FileNotFoundError(f'cannot read frame {path}')
                    frames += [image[..., ::-1]] * int(round(fps))
                wave, sr = load_audio(info['audio_path'])
                write_video(
                    osp.join(dst, RAW_VIDEO_DIRS[layout],
                             _video_name(layout, info, split)),
                    frames,
                    fps,
                    audio=wave,
                    sample_rate=sr,
                    video_options=options,
                    pix_fmt=pix_fmt,
                    audio_codec=audio_codec,
                    audio_rate=audio_rate)
                counts[layout] += 1
    return counts
