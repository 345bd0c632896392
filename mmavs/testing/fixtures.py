# Copyright (c) mmavs contributors. All rights reserved.
"""Tiny fixture trees in the official layouts, for tests.

The ``make_*`` functions build a tiny random tree with the writers of
:mod:`mmavs.datasets.layout_writers` (a few KB per clip) and return what
they wrote, for tests to compare with what the datasets load. The writers
are re-exported here.
"""
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence

import numpy as np

from mmavs.datasets.layout_writers import (MS3_CSV, S4_CSV, tone,
                                           write_avss_clip, write_csv,
                                           write_image, write_log_mel_pkl,
                                           write_ms3_clip, write_s4_clip,
                                           write_vpo_item, write_wav)

__all__ = [
    'write_image', 'write_wav', 'write_log_mel_pkl', 'write_csv',
    'write_s4_clip', 'write_ms3_clip', 'write_avss_clip', 'write_vpo_item',
    'make_s4_fixture', 'make_ms3_fixture', 'make_avss_fixture',
    'make_vpo_fixture', 'make_vpo_raw_release', 'tone'
]


# ---------------------------------------------------------------------------
# tiny random trees
# ---------------------------------------------------------------------------
def _frames(rng, num: int, size, valid: Optional[int] = None):
    """Flat-coloured frames whose colour encodes the frame index."""
    h, w = size
    frames = []
    for t in range(num):
        base = np.array([20 + 40 * t, 200 - 15 * t, 60 + 20 * (t % 3)])
        noise = rng.integers(-3, 4, size=(h, w, 3))
        frames.append(np.clip(base + noise, 0, 255).astype(np.uint8))
    return frames


def _box_mask(rng, size, value: int = 1) -> np.ndarray:
    """A mask with one random box of ``value`` (never empty, never full)."""
    h, w = size
    mask = np.zeros((h, w), np.uint8)
    y = int(rng.integers(0, h // 2))
    x = int(rng.integers(0, w // 2))
    mask[y:y + h // 3 + 1, x:x + w // 3 + 1] = value
    return mask


def _object_clip(rng, split: str, size, freq: float, seconds: float,
                 sample_rate: int, with_log_mel: bool) -> dict:
    """The arrays of a 5-frame AVSBench-Object (S4 / MS3) clip: ``split``,
    ``frames``, five box ``masks``, a ``tone`` of ``freq`` Hz as ``audio``
    and random ``log_mel`` examples (None without ``with_log_mel``)."""
    frames = _frames(rng, 5, size)
    masks = [_box_mask(rng, size) for _ in range(5)]
    audio = tone(freq, seconds, sample_rate)
    log_mel = (
        rng.standard_normal(
            (5, 1, 96, 64)).astype(np.float32) if with_log_mel else None)
    return dict(
        split=split, frames=frames, masks=masks, audio=audio, log_mel=log_mel)


def make_s4_fixture(root: str,
                    split_sizes: Optional[Dict[str, int]] = None,
                    size=(24, 32),
                    sample_rate: int = 4000,
                    seconds: float = 5.0,
                    with_log_mel: bool = True,
                    seed: int = 0) -> List[dict]:
    """A tiny S4 tree under ``root`` (train clips keep only mask 1).

    Args:
        root (str): Dataset root.
        split_sizes (dict, optional): Clips per split. Defaults to
            ``dict(train=2, val=1, test=1)``.
        size (tuple): Frame ``(H, W)``.
        sample_rate (int): Audio rate (low to stay small).
        seconds (float): Audio length.
        with_log_mel (bool): Write random ``audio_log_mel`` pickles.
        seed (int): Random seed.

    Returns:
        list[dict]: One record per clip: ``name, category, split, frames,
        masks`` (written; None where absent), ``audio``, ``log_mel``.
    """
    rng = np.random.default_rng(seed)
    split_sizes = split_sizes or dict(train=2, val=1, test=1)
    cats = ('dog_barking', 'playing_piano')
    records, rows = [], []
    for split, num in split_sizes.items():
        for k in range(num):
            name = f'{split}Clip{k}_{int(rng.integers(1e6)):06d}'
            cat = cats[k % len(cats)]
            clip = _object_clip(rng, split, size, 220 * (k + 1), seconds,
                                sample_rate, with_log_mel)
            if split == 'train':
                clip['masks'] = [clip['masks'][0]] + [None] * 4
            write_s4_clip(root, name, cat, split, clip['frames'],
                          clip['masks'], clip['audio'], sample_rate,
                          clip['log_mel'])
            rows.append(dict(name=name, start=0, category=cat, split=split))
            records.append(dict(name=name, category=cat, **clip))
    write_csv(
        osp.join(root, S4_CSV), ('name', 'start', 'category', 'split'), rows)
    return records


def make_ms3_fixture(root: str,
                     split_sizes: Optional[Dict[str, int]] = None,
                     size=(24, 32),
                     sample_rate: int = 4000,
                     seconds: float = 5.0,
                     with_log_mel: bool = True,
                     seed: int = 0) -> List[dict]:
    """A tiny MS3 tree under ``root`` (all five masks in every split).

    Args: as :func:`make_s4_fixture`.

    Returns:
        list[dict]: One record per clip: ``vid, split, frames, masks,
        audio, log_mel``.
    """
    rng = np.random.default_rng(seed)
    split_sizes = split_sizes or dict(train=2, val=1, test=1)
    records, rows = [], []
    for split, num in split_sizes.items():
        for k in range(num):
            vid = f'{split}Vid{k}x{int(rng.integers(1e6)):06d}'
            clip = _object_clip(rng, split, size, 330 * (k + 1), seconds,
                                sample_rate, with_log_mel)
            write_ms3_clip(root, vid, split, clip['frames'], clip['masks'],
                           clip['audio'], sample_rate, clip['log_mel'])
            rows.append(dict(video_id=vid, split=split))
            records.append(dict(vid=vid, **clip))
    write_csv(osp.join(root, MS3_CSV), ('video_id', 'split'), rows)
    return records


def make_avss_fixture(root: str,
                      clips: Optional[Sequence[tuple]] = None,
                      size=(24, 32),
                      sample_rate: int = 4000,
                      semantic: bool = False,
                      seed: int = 0) -> List[dict]:
    """A tiny AVSS tree under ``root``.

    Args:
        root (str): Dataset root.
        clips (Sequence[tuple], optional): ``(label, split)`` per clip.
            Defaults to one v1s/v1m/v2 clip in train and one v1s and v2 clip
            in test.
        size (tuple): Frame ``(H, W)``.
        sample_rate (int): Audio rate.
        semantic (bool): Also write ``labels_semantic``.
        seed (int): Random seed.

    Returns:
        list[dict]: One record per clip: ``uid, label, split, frames, masks
        (class indices; None where no file), audio``.
    """
    rng = np.random.default_rng(seed)
    clips = clips or (('v1s', 'train'), ('v1m', 'train'), ('v2', 'train'),
                      ('v1s', 'test'), ('v2', 'test'))
    records, rows = [], []
    for k, (label, split) in enumerate(clips):
        num = 10 if label == 'v2' else 5
        uid = f'{label}_{split}_{k}_{int(rng.integers(1e6)):06d}'
        frames = _frames(rng, num, size)
        masks = [
            _box_mask(rng, size, value=int(rng.integers(1, 71)))
            for _ in range(num)
        ]
        if label == 'v1s' and split == 'train':
            masks = [masks[0]] + [None] * (num - 1)
        audio = tone(200 + 50 * k, float(num), sample_rate)
        write_avss_clip(
            root,
            uid,
            label,
            frames,
            masks,
            audio,
            sample_rate,
            semantic=semantic)
        rows.append(
            dict(
                vid=uid.split('_')[-1],
                uid=uid,
                s_min=0,
                s_sec=0,
                a_obj='dog',
                split=split,
                label=label))
        records.append(
            dict(
                uid=uid,
                label=label,
                split=split,
                frames=frames,
                masks=masks,
                audio=audio))
    write_csv(
        osp.join(root, 'metadata.csv'),
        ('vid', 'uid', 's_min', 's_sec', 'a_obj', 'split', 'label'), rows)
    return records


def make_vpo_fixture(root: str,
                     subset: str = 'ss',
                     stereo: bool = False,
                     size=(24, 32),
                     sample_rate: int = 4000,
                     audio_seconds: float = 4.0,
                     csv_name: Optional[str] = None,
                     ms_root: Optional[str] = None,
                     seed: int = 0) -> List[dict]:
    """A tiny VPO tree under ``root`` (audio in ``root/audios``).

    SS: two train items and one test (CSV split ``val``) item. MS / MSMI:
    one train image with two sounding objects (two CSV rows) and one test
    image with one. MSMI adds the ``multi_instance`` column (1 for the train
    image, 0 for the test image, whose files then go to ``ms_root``, as the
    release keeps single-instance images in the VPO-MS tree).

    Args:
        root (str): The VPO subset root.
        subset (str): ``'ss'``, ``'ms'`` or ``'msmi'`` layout.
        stereo (bool): Add the ``audio_pos`` column.
        size (tuple): Image ``(H, W)``.
        sample_rate (int): Audio rate.
        audio_seconds (float): Length of the VGGSound clips.
        csv_name (str, optional): CSV file name. Defaults to
            ``vpo_{subset}_data[_stereo].csv``.
        ms_root (str, optional): MSMI only: root of the single-instance
            images. Defaults to ``root``.
        seed (int): Random seed.

    Returns:
        list[dict]: One record per item: ``img_id, ann_id, split, image,
        mask (COCO ids), rows (the CSV rows of the item)``.
    """
    rng = np.random.default_rng(seed)
    coco = [(18, 'dog'), (17, 'cat'), (92, 'male')]
    if subset == 'ss':
        items = [('train', [coco[0]]), ('train', [coco[1]]),
                 ('val', [coco[2]])]
    else:
        items = [('train', [coco[0], coco[1]]), ('val', [coco[2]])]
    records, rows = [], []
    for k, (split, objs) in enumerate(items):
        img_id, ann_id = 1000 + k, 5000 + k
        image = _frames(rng, k + 1, size)[-1]
        mask = np.zeros(size, np.uint8)
        item_rows = []
        for j, (cid, cname) in enumerate(objs):
            box = _box_mask(rng, size)
            mask[box > 0] = cid
            vgg = f'vgg_{k}_{j}'
            write_wav(
                osp.join(root, 'audios', vgg + '.wav'),
                tone(300 + 100 * j + 50 * k, audio_seconds, sample_rate),
                sample_rate)
            row = dict(
                cateName=cname,
                img_Id=img_id,
                ann_Ids=ann_id,
                cateId=cid,
                vgg_file=vgg,
                split=split)
            if stereo:
                row['audio_pos'] = round(float(rng.uniform(0, 1)), 3)
            if subset == 'msmi':
                row['multi_instance'] = int(split == 'train')
            item_rows.append(row)
        mask[0, 0] = 255  # an ignore pixel, as COCO crowd regions
        item_root = root
        if subset == 'msmi' and split != 'train':
            item_root = ms_root or root
        write_vpo_item(
            item_root,
            objs[0][1],
            img_id,
            ann_id,
            image,
            mask,
            category_dir=subset == 'ss')
        rows.extend(item_rows)
        records.append(
            dict(
                img_id=img_id,
                ann_id=ann_id,
                split=split,
                image=image,
                mask=mask,
                rows=item_rows))
    columns = ['cateName', 'img_Id', 'ann_Ids', 'cateId', 'vgg_file', 'split']
    if stereo:
        columns.append('audio_pos')
    if subset == 'msmi':
        columns.append('multi_instance')
    csv_name = csv_name or (f'vpo_{subset}_data' +
                            ('_stereo' if stereo else '') + '.csv')
    write_csv(osp.join(root, csv_name), columns, rows)
    return records


def make_vpo_raw_release(root: str,
                         subset: str = 'ss',
                         size=(32, 48),
                         sample_rate: int = 16000,
                         audio_seconds: float = 4.0,
                         audio_codec: str = 'alac',
                         audio_rate: int = 44100,
                         seed: int = 0) -> dict:
    """A tiny VPO download *before* preparation: the VPO CSV and masks,
    the images in a COCO-like folder, the audio in VGGSound-like videos.

    Built from :func:`make_vpo_fixture` (``root/VPO/VPO-<SUBSET>``), whose
    images then move to ``root/coco/{train2017,val2017}/{img:012d}.jpg``
    (train rows to ``train2017``) and whose wav files become
    ``root/vggsound/{vgg_file}.mp4`` (a short black video with the wav as
    its audio track, resampled to ``audio_rate``); ``data/`` and
    ``audios/`` are removed.

    Returns:
        dict: ``vpo_root``, ``coco_root``, ``vggsound_root``, ``records``
        (of :func:`make_vpo_fixture`) and ``audio`` (``vgg_file`` -> the
        waveform written, at ``sample_rate``).
    """
    import shutil

    from mmavs.datasets.audio_io import load_audio
    from mmavs.datasets.video_io import write_video
    vpo_root = osp.join(root, 'VPO', f'VPO-{subset.upper()}')
    records = make_vpo_fixture(
        vpo_root,
        subset=subset,
        size=size,
        sample_rate=sample_rate,
        audio_seconds=audio_seconds,
        seed=seed)
    coco_root = osp.join(root, 'coco')
    vgg_root = osp.join(root, 'vggsound')
    audio = {}
    for rec in records:
        name = f'{rec["img_id"]:012d}.jpg'
        folder = 'train2017' if rec['split'] == 'train' else 'val2017'
        found = []
        for dirpath, _, files in os.walk(osp.join(vpo_root, 'data')):
            found += [osp.join(dirpath, f) for f in files if f == name]
        os.makedirs(osp.join(coco_root, folder), exist_ok=True)
        shutil.copyfile(found[0], osp.join(coco_root, folder, name))
        for row in rec['rows']:
            wav = osp.join(vpo_root, 'audios', row['vgg_file'] + '.wav')
            wave, sr = load_audio(wav)
            audio[row['vgg_file']] = wave
            black = np.zeros((16, 16, 3), np.uint8)
            write_video(
                osp.join(vgg_root, row['vgg_file'] + '.mp4'),
                [black] * int(np.ceil(audio_seconds)),
                1,
                audio=wave,
                sample_rate=sr,
                audio_codec=audio_codec,
                audio_rate=audio_rate)
    shutil.rmtree(osp.join(vpo_root, 'data'))
    shutil.rmtree(osp.join(vpo_root, 'audios'))
    return dict(
        vpo_root=vpo_root,
        coco_root=coco_root,
        vggsound_root=vgg_root,
        records=records,
        audio=audio)
