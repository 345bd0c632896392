# Copyright (c) mmavs contributors. All rights reserved.
"""Writers of the official on-disk layouts of the AVS benchmarks.

They put given frames / masks / audio where the real benchmarks keep them,
so dataset generators (SynthAVS) and the test fixtures
(:mod:`mmavs.testing.fixtures`) produce trees that the dataset classes read
unchanged.

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
from typing import Callable, Dict, Optional, Sequence

import cv2
import numpy as np

from .metainfo import avss_palette

S4_CSV = osp.join('Single-source', 's4_meta_data.csv')
S4_DATA = osp.join('Single-source', 's4_data')
MS3_CSV = osp.join('Multi-sources', 'ms3_meta_data.csv')
MS3_DATA = osp.join('Multi-sources', 'ms3_data')

__all__ = [
    'write_image', 'write_wav', 'write_log_mel_pkl', 'write_csv',
    'write_s4_clip', 'write_ms3_clip', 'write_avss_clip', 'write_vpo_item',
    'tone'
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
def _write_binary_clip(base: str, frame_file: Callable[[int], str],
                       mask_file: Callable[[int], str], audio_stem: str,
                       frames: Sequence[np.ndarray],
                       masks: Sequence[Optional[np.ndarray]],
                       audio: Optional[np.ndarray], sample_rate: int,
                       log_mel: Optional[np.ndarray]) -> None:
    """Write an AVSBench-Object clip below ``base``: frame / mask ``i``
    (from 1) at ``visual_frames/frame_file(i)`` / ``gt_masks/mask_file(i)``
    (0/255), audio at ``audio_wav/{audio_stem}.wav`` and
    ``audio_log_mel/{audio_stem}.pkl``."""
    for i, frame in enumerate(frames, 1):
        write_image(osp.join(base, 'visual_frames', frame_file(i)), frame)
    for i, mask in enumerate(masks, 1):
        if mask is not None:
            write_image(
                osp.join(base, 'gt_masks', mask_file(i)),
                (np.asarray(mask) > 0).astype(np.uint8) * 255)
    if audio is not None:
        write_wav(
            osp.join(base, 'audio_wav', audio_stem + '.wav'), audio,
            sample_rate)
    if log_mel is not None:
        write_log_mel_pkl(
            osp.join(base, 'audio_log_mel', audio_stem + '.pkl'), log_mel)


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
    _write_binary_clip(base, lambda i: osp.join(sub, f'{name}_{i}.png'),
                       lambda i: osp.join(sub, f'{name}_{i}.png'),
                       osp.join(split, category, name), frames, masks, audio,
                       sample_rate, log_mel)


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
    _write_binary_clip(
        osp.join(data_root,
                 MS3_DATA), lambda i: osp.join(vid, f'{vid}.mp4_{i}.png'),
        lambda i: osp.join(split, vid, f'{vid}_{i}.png'), osp.join(split, vid),
        frames, masks, audio, sample_rate, log_mel)


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
