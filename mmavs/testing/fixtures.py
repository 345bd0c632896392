# Copyright (c) mmavs contributors. All rights reserved.
"""Writers of the official on-disk layouts, and tiny fixture trees.

The ``write_*`` functions put given frames / masks / audio where the real
benchmarks keep them, so tests (and dataset generators such as SynthAVS)
produce trees that :mod:`mmavs.datasets` reads unchanged. The ``make_*``
functions build a tiny random tree with them (a few KB per clip) and return
what they wrote, for tests to compare with what the datasets load.

Layouts (relative to the dataset root):

- S4: ``Single-source/s4_meta_data.csv`` and ``Single-source/s4_data/
  {visual_frames,gt_masks,audio_wav,audio_log_mel}/{split}/{category}/...``
- MS3: ``Multi-sources/ms3_meta_data.csv`` and ``Multi-sources/ms3_data/
  visual_frames/{vid}/{vid}.mp4_{i}.png``, ``gt_masks/{split}/{vid}/
  {vid}_{i}.png``, ``audio_wav/{split}/{vid}.wav``, ``audio_log_mel/...``
- AVSS: ``metadata.csv`` and ``{label}/{uid}/{frames,labels_rgb,
  labels_semantic}/{i}.{jpg,png}``, ``{label}/{uid}/audio.wav``
- VPO: ``{csv}``, ``data/[{cateName}/]{img:012d}.jpg``, ``mask/
  [{cateName}/]{img:012d}_{ann:012d}.png``, ``audios/{vgg_file}.wav``
"""
import csv
import os
import os.path as osp
import pickle
from typing import Dict, List, Optional, Sequence

import cv2
import numpy as np

S4_CSV = osp.join('Single-source', 's4_meta_data.csv')
S4_DATA = osp.join('Single-source', 's4_data')
MS3_CSV = osp.join('Multi-sources', 'ms3_meta_data.csv')
MS3_DATA = osp.join('Multi-sources', 'ms3_data')

__all__ = [
    'write_image', 'write_wav', 'write_log_mel_pkl', 'write_csv',
    'write_s4_clip', 'write_ms3_clip', 'write_avss_clip', 'write_vpo_item',
    'make_s4_fixture', 'make_ms3_fixture', 'make_avss_fixture',
    'make_vpo_fixture', 'tone'
]


# ---------------------------------------------------------------------------
# primitive writers
# ---------------------------------------------------------------------------
def write_image(path: str, image: np.ndarray) -> str:
    """Write an image; ``(H, W, 3)`` arrays are taken as **RGB**.

    Args:
        path (str): Target file (``.png`` lossless, ``.jpg`` lossy); parent
            folders are created.
        image (np.ndarray): ``(H, W)`` (grey / index) or ``(H, W, 3)`` RGB
            uint8.

    Returns:
        str: ``path``.
    """
    os.makedirs(osp.dirname(path) or '.', exist_ok=True)
    data = image[..., ::-1] if image.ndim == 3 else image
    if not cv2.imwrite(path, np.ascontiguousarray(data)):
        raise OSError(f'could not write image {path}')
    return path


def write_wav(path: str, waveform: np.ndarray, sample_rate: int) -> str:
    """Write 16-bit PCM audio.

    Args:
        path (str): Target ``.wav`` (or ``.flac``) file.
        waveform (np.ndarray): ``[L]`` or ``[C, L]`` floats in [-1, 1].
        sample_rate (int): Sample rate.

    Returns:
        str: ``path``.
    """
    import soundfile as sf
    os.makedirs(osp.dirname(path) or '.', exist_ok=True)
    data = np.asarray(waveform)
    sf.write(
        path,
        data.T if data.ndim == 2 else data,
        sample_rate,
        subtype='PCM_16')
    return path


def write_log_mel_pkl(path: str, examples: np.ndarray) -> str:
    """Pickle a ``torch.Tensor`` of log-mel examples as the official
    ``audio_log_mel/*.pkl`` (``[T, 1, 96, 64]``, float32).

    Args:
        path (str): Target ``.pkl``.
        examples (np.ndarray): ``[T, 96, 64]`` or ``[T, 1, 96, 64]``.

    Returns:
        str: ``path``.
    """
    import torch
    arr = np.asarray(examples, dtype=np.float32)
    if arr.ndim == 3:
        arr = arr[:, None]
    os.makedirs(osp.dirname(path) or '.', exist_ok=True)
    with open(path, 'wb') as f:
        pickle.dump(torch.from_numpy(arr.copy()), f)
    return path


def write_csv(path: str, columns: Sequence[str],
              rows: Sequence[Dict[str, object]]) -> str:
    """Write an annotation CSV with the given header.

    Args:
        path (str): Target file.
        columns (Sequence[str]): Header, in order.
        rows (Sequence[dict]): One dict per row (missing keys -> '').

    Returns:
        str: ``path``.
    """
    os.makedirs(osp.dirname(path) or '.', exist_ok=True)
    with open(path, 'w', newline='') as f:
        writer = csv.DictWriter(
            f, fieldnames=list(columns), extrasaction='ignore')
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, '') for c in columns})
    return path


def tone(freq: float,
         seconds: float,
         sample_rate: int,
         channels: int = 1,
         amplitude: float = 0.3) -> np.ndarray:
    """A sine tone ``[L]`` (or ``[C, L]``, channels with rising gain)."""
    t = np.arange(int(round(seconds * sample_rate))) / sample_rate
    wave = amplitude * np.sin(2 * np.pi * freq * t)
    if channels == 1:
        return wave
    return np.stack([wave * (c + 1) / channels for c in range(channels)])


# ---------------------------------------------------------------------------
# layout writers
# ---------------------------------------------------------------------------
def write_s4_clip(data_root: str,
                  name: str,
                  category: str,
                  split: str,
                  frames: Sequence[np.ndarray],
                  masks: Sequence[Optional[np.ndarray]],
                  audio: Optional[np.ndarray] = None,
                  sample_rate: int = 16000,
                  log_mel: Optional[np.ndarray] = None) -> None:
    """Write one S4 clip (frames ``{name}_{i}.png``, i from 1).

    Args:
        data_root (str): The AVSBench-Object root (``Single-source`` inside).
        name (str): Video name.
        category (str): Category folder.
        split (str): Split folder.
        frames (Sequence[np.ndarray]): RGB uint8 frames.
        masks (Sequence[np.ndarray | None]): Binary masks (0/1 or 0/255);
            ``None`` writes no file for that frame (S4 train frames 2..5).
        audio (np.ndarray, optional): Waveform written to ``audio_wav``.
        sample_rate (int): Its rate.
        log_mel (np.ndarray, optional): Written to ``audio_log_mel``.
    """
    base = osp.join(data_root, S4_DATA)
    sub = osp.join(split, category, name)
    for i, frame in enumerate(frames, 1):
        write_image(
            osp.join(base, 'visual_frames', sub, f'{name}_{i}.png'), frame)
    for i, mask in enumerate(masks, 1):
        if mask is not None:
            write_image(
                osp.join(base, 'gt_masks', sub, f'{name}_{i}.png'),
                (np.asarray(mask) > 0).astype(np.uint8) * 255)
    if audio is not None:
        write_wav(
            osp.join(base, 'audio_wav', split, category, name + '.wav'), audio,
            sample_rate)
    if log_mel is not None:
        write_log_mel_pkl(
            osp.join(base, 'audio_log_mel', split, category, name + '.pkl'),
            log_mel)


def write_ms3_clip(data_root: str,
                   vid: str,
                   split: str,
                   frames: Sequence[np.ndarray],
                   masks: Sequence[Optional[np.ndarray]],
                   audio: Optional[np.ndarray] = None,
                   sample_rate: int = 16000,
                   log_mel: Optional[np.ndarray] = None) -> None:
    """Write one MS3 clip (frames ``{vid}.mp4_{i}.png`` without a split
    folder, masks ``{split}/{vid}/{vid}_{i}.png``).

    Args: as :func:`write_s4_clip` (``vid`` instead of name/category).
    """
    base = osp.join(data_root, MS3_DATA)
    for i, frame in enumerate(frames, 1):
        write_image(
            osp.join(base, 'visual_frames', vid, f'{vid}.mp4_{i}.png'), frame)
    for i, mask in enumerate(masks, 1):
        if mask is not None:
            write_image(
                osp.join(base, 'gt_masks', split, vid, f'{vid}_{i}.png'),
                (np.asarray(mask) > 0).astype(np.uint8) * 255)
    if audio is not None:
        write_wav(
            osp.join(base, 'audio_wav', split, vid + '.wav'), audio,
            sample_rate)
    if log_mel is not None:
        write_log_mel_pkl(
            osp.join(base, 'audio_log_mel', split, vid + '.pkl'), log_mel)


def write_avss_clip(data_root: str,
                    uid: str,
                    label: str,
                    frames: Sequence[np.ndarray],
                    masks: Sequence[Optional[np.ndarray]],
                    audio: Optional[np.ndarray] = None,
                    sample_rate: int = 16000,
                    semantic: bool = False,
                    num_classes: int = 71) -> None:
    """Write one AVSS clip (``{label}/{uid}/frames/{i}.jpg`` from 0).

    Args:
        data_root (str): The AVSBench-Semantic root.
        uid (str): Clip folder name.
        label (str): ``'v1s'``, ``'v1m'`` or ``'v2'``.
        frames (Sequence[np.ndarray]): RGB frames.
        masks (Sequence[np.ndarray | None]): Class-index maps
            (``0..num_classes-1``), written as palette colours to
            ``labels_rgb``; ``None`` writes nothing.
        audio (np.ndarray, optional): Written to ``audio.wav``.
        sample_rate (int): Its rate.
        semantic (bool): Also write the index maps to ``labels_semantic``.
        num_classes (int): Palette size. Defaults to 71.
    """
    from mmavs.datasets.avss import avss_palette
    palette = avss_palette(num_classes)
    clip_dir = osp.join(data_root, label, uid)
    for i, frame in enumerate(frames):
        write_image(osp.join(clip_dir, 'frames', f'{i}.jpg'), frame)
    for i, mask in enumerate(masks):
        if mask is None:
            continue
        write_image(
            osp.join(clip_dir, 'labels_rgb', f'{i}.png'),
            palette[np.asarray(mask)])
        if semantic:
            write_image(
                osp.join(clip_dir, 'labels_semantic', f'{i}.png'),
                np.asarray(mask, np.uint8))
    if audio is not None:
        write_wav(osp.join(clip_dir, 'audio.wav'), audio, sample_rate)


def write_vpo_item(data_root: str,
                   cate_name: str,
                   img_id: int,
                   ann_id: int,
                   image: np.ndarray,
                   mask: np.ndarray,
                   category_dir: bool = True) -> None:
    """Write one VPO image and its COCO-id mask.

    Args:
        data_root (str): The VPO subset root (e.g. ``VPO-SS``).
        cate_name (str): Category folder (SS layout).
        img_id (int): COCO image id.
        ann_id (int): Annotation id in the mask name.
        image (np.ndarray): RGB image.
        mask (np.ndarray): ``(H, W)`` uint8 COCO category ids (0 = bg).
        category_dir (bool): SS layout (``{cateName}/`` folders).
    """
    sub = (cate_name, ) if category_dir else ()
    write_image(osp.join(data_root, 'data', *sub, f'{img_id:012d}.jpg'), image)
    write_image(
        osp.join(data_root, 'mask', *sub, f'{img_id:012d}_{ann_id:012d}.png'),
        np.asarray(mask, np.uint8))


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
            frames = _frames(rng, 5, size)
            masks = [_box_mask(rng, size) for _ in range(5)]
            if split == 'train':
                masks = [masks[0]] + [None] * 4
            audio = tone(220 * (k + 1), seconds, sample_rate)
            log_mel = (
                rng.standard_normal(
                    (5, 1, 96,
                     64)).astype(np.float32) if with_log_mel else None)
            write_s4_clip(root, name, cat, split, frames, masks, audio,
                          sample_rate, log_mel)
            rows.append(dict(name=name, start=0, category=cat, split=split))
            records.append(
                dict(
                    name=name,
                    category=cat,
                    split=split,
                    frames=frames,
                    masks=masks,
                    audio=audio,
                    log_mel=log_mel))
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
            frames = _frames(rng, 5, size)
            masks = [_box_mask(rng, size) for _ in range(5)]
            audio = tone(330 * (k + 1), seconds, sample_rate)
            log_mel = (
                rng.standard_normal(
                    (5, 1, 96,
                     64)).astype(np.float32) if with_log_mel else None)
            write_ms3_clip(root, vid, split, frames, masks, audio, sample_rate,
                           log_mel)
            rows.append(dict(video_id=vid, split=split))
            records.append(
                dict(
                    vid=vid,
                    split=split,
                    frames=frames,
                    masks=masks,
                    audio=audio,
                    log_mel=log_mel))
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
