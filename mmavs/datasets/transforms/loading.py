# Copyright (c) mmavs contributors. All rights reserved.
"""Loading of the frames and masks of a clip."""
from typing import List, Optional, Sequence, Tuple

import mmcv
import mmengine.fileio as fileio
import numpy as np
from mmcv.transforms import BaseTransform

from mmavs.registry import TRANSFORMS
from ..metainfo import AVSS_CLASSES, IGNORE_INDEX, avss_palette
from .errors import (ImageDecodeError, LabelRangeError, MaskColourError,
                     ShapeMismatchError)


def _read_bytes(path: str, what: str, clip_id: str,
                backend_args: Optional[dict]) -> bytes:
    try:
        content = fileio.get(path, backend_args=backend_args)
    except (FileNotFoundError, IsADirectoryError, PermissionError) as err:
        raise FileNotFoundError(
            f'clip {clip_id}: {what} file not found or unreadable: '
            f'{path}') from err
    if not content:
        raise ImageDecodeError(
            f'clip {clip_id}: {what} file {path} is empty')
    return content


def _decode(content: bytes, path: str, what: str, clip_id: str,
            **kwargs) -> np.ndarray:
    try:
        img = mmcv.imfrombytes(content, **kwargs)
    except Exception as err:  # pillow raises on broken data
        raise ImageDecodeError(f'clip {clip_id}: cannot decode {what} file '
                               f'{path}: {err}') from err
    if img is None:
        raise ImageDecodeError(
            f'clip {clip_id}: cannot decode {what} file {path}; expected '
            'an image file')
    return img


def _store_clip_frames(results: dict, frames: Sequence[Optional[np.ndarray]],
                       shape: Tuple[int, int]) -> dict:
    """Put the frames of a clip into ``results``, padding frames as zeros.

    Shared by :class:`LoadAVFrames` and
    :class:`~mmavs.datasets.transforms.AVInferencerLoader`.

    Args:
        results (dict): The clip dict, updated in place.
        frames (Sequence[np.ndarray | None]): RGB uint8 ``(H, W, 3)`` frames
            of size ``shape``; None marks a padding frame.
        shape (tuple[int, int]): ``(H, W)`` of the clip's frames.

    Returns:
        dict: ``results`` with ``frames`` (None replaced by zeros),
        ``img_shape`` and ``ori_shape`` (both ``shape``).
    """
    results['frames'] = [
        np.zeros(shape + (3, ), np.uint8) if f is None else f for f in frames
    ]
    results['img_shape'] = shape
    results['ori_shape'] = shape
    return results


@TRANSFORMS.register_module()
class LoadAVFrames(BaseTransform):
    """Load the ``T`` frames of a clip as RGB uint8 arrays.

    Padding frames (``frame_paths[i] is None``) become zeros of the clip's
    frame size. All real frames of a clip must have the same size.

    Required Keys:

    - frame_paths (list[str | None])
    - clip_id (str, used in error messages)

    Added Keys:

    - frames (list[np.ndarray]): ``T`` arrays ``(H, W, 3)`` uint8 RGB
    - img_shape (tuple[int, int]): ``(H, W)``
    - ori_shape (tuple[int, int]): ``(H, W)``

    Args:
        imdecode_backend (str): Image decoding backend of ``mmcv``
            (``'cv2'``, ``'pillow'``, ...). Defaults to ``'cv2'``.
        backend_args (dict, optional): File backend arguments of
            ``mmengine.fileio``. Defaults to None (local files).
    """

    def __init__(self,
                 imdecode_backend: str = 'cv2',
                 backend_args: Optional[dict] = None) -> None:
        self.imdecode_backend = imdecode_backend
        self.backend_args = backend_args

    def transform(self, results: dict) -> dict:
        """Load the frames.

        Args:
            results (dict): The clip dict.

        Returns:
            dict: ``results`` with ``frames``, ``img_shape``, ``ori_shape``.
        """
        clip_id = results.get('clip_id', '?')
        paths = results['frame_paths']
        frames: List[Optional[np.ndarray]] = []
        shape: Optional[Tuple[int, int]] = None
        first_path = None
        for idx, path in enumerate(paths):
            if path is None:
                frames.append(None)
                continue
            content = _read_bytes(path, f'frame {idx}', clip_id,
                                  self.backend_args)
            img = _decode(
                content,
                path,
                f'frame {idx}',
                clip_id,
                flag='color',
                channel_order='rgb',
                backend=self.imdecode_backend)
            if shape is None:
                shape, first_path = img.shape[:2], path
            elif img.shape[:2] != shape:
                raise ShapeMismatchError(
                    f'clip {clip_id}: frame {path} has size (H, W)='
                    f'{img.shape[:2]}, expected {shape} like {first_path} '
                    '(all frames of a clip must have one size)')
            frames.append(img)
        if shape is None:
            raise ValueError(f'clip {clip_id}: no frame path given (all '
                             f'{len(paths)} frames are padding)')
        return _store_clip_frames(results, frames, shape)

    def __repr__(self) -> str:
        return (
            f'{self.__class__.__name__}(imdecode_backend='
            f"'{self.imdecode_backend}', backend_args={self.backend_args})")


@TRANSFORMS.register_module()
class LoadAVAnnotations(BaseTransform):
    """Load and decode the ``T`` masks of a clip.

    Decoding follows ``results['mask_format']``:

    - ``'binary'``: grey level > ``binary_threshold`` (default 127) is 1,
      the rest 0 (AVSBench-Object masks; the official loader's
      ``PIL.convert('1')``);
    - ``'palette'``: RGB colours mapped to class indices through the AVSS
      palette of ``palette_size`` colours (default ``num_classes``,
      :func:`avss_palette`); a colour outside the palette raises an error;
    - ``'index'``: single-channel class indices, remapped through
      ``label_map`` when given (VPO's COCO ids; an id outside it raises an
      error); 255 stays ignore.

    For ``'palette'`` and ``'index'`` every decoded label must lie in
    ``[0, num_classes)`` (the dataset's classes) or be 255: a label outside
    raises an error naming the clip, the file and the class.

    With ``binary=True`` in results, classes > 0 become 1 (sounding).
    Frames without a mask (``mask_paths[i] is None``: unlabelled or padding)
    get a mask filled with 255 (ignore).

    With ``empty_target=True`` in results (a training negative pair of
    AVSBench-Robust: the audio does not belong to any visible object, set
    per sample by :class:`~mmavs.datasets.RobustAVSDataset`), every pixel
    that is not ignored becomes background (0): nothing sounds. Ignored
    pixels stay ignored, so the frames supervised are those of the positive
    pair (the official loader uses the empty mask for frame 1 of S4 train
    clips and all 5 frames of MS3). The masks are still read, so a missing
    or broken file is reported as for the positive pair.

    Required Keys:

    - mask_paths (list[str | None])
    - mask_format (str) and what it needs (``binary_threshold``,
      ``num_classes``, ``palette_size``, ``label_map``, ``binary``)
    - ori_shape (tuple[int, int]): frame size, from :class:`LoadAVFrames`
    - empty_target (bool, optional): empty the masks (see above)

    Added Keys:

    - gt_masks (list[np.ndarray]): ``T`` arrays ``(H, W)`` uint8
    - seg_fields (list[str]): ``'gt_masks'`` appended

    Args:
        imdecode_backend (str): Image decoding backend. Defaults to 'cv2'.
        backend_args (dict, optional): File backend arguments.
    """

    def __init__(self,
                 imdecode_backend: str = 'cv2',
                 backend_args: Optional[dict] = None) -> None:
        self.imdecode_backend = imdecode_backend
        self.backend_args = backend_args

    def _decode_mask(self, results: dict, path: str, idx: int) -> np.ndarray:
        clip_id = results.get('clip_id', '?')
        fmt = results['mask_format']
        what = f'mask {idx}'
        content = _read_bytes(path, what, clip_id, self.backend_args)
        if fmt == 'binary':
            grey = _decode(
                content,
                path,
                what,
                clip_id,
                flag='grayscale',
                backend=self.imdecode_backend)
            thr = results.get('binary_threshold', 127)
            return (grey > thr).astype(np.uint8)
        if fmt == 'palette':
            rgb = _decode(
                content,
                path,
                what,
                clip_id,
                flag='color',
                channel_order='rgb',
                backend=self.imdecode_backend)
            palette_size = results.get('palette_size', results['num_classes'])
            labels = self._palette_to_index(rgb, palette_size, path, clip_id)
            return self._check_classes(labels, results, path, clip_id)
        if fmt == 'index':
            raw = _decode(
                content,
                path,
                what,
                clip_id,
                flag='unchanged',
                backend=self.imdecode_backend)
            if raw.ndim != 2 or raw.dtype != np.uint8:
                raise ShapeMismatchError(
                    f'clip {clip_id}: mask {path} has shape {raw.shape} and '
                    f'dtype {raw.dtype}; expected a single-channel 8-bit '
                    'class-index image')
            labels = self._remap(raw, results, path, clip_id)
            return self._check_classes(labels, results, path, clip_id)
        raise ValueError(f'clip {clip_id}: unknown mask_format {fmt!r}; '
                         "expected 'binary', 'palette' or 'index'")

    @staticmethod
    def _palette_to_index(rgb: np.ndarray, num_classes: int, path: str,
                          clip_id: str) -> np.ndarray:
        palette = avss_palette(num_classes).astype(np.int64)
        codes = (palette[:, 0] << 16) | (palette[:, 1] << 8) | palette[:, 2]
        order = np.argsort(codes)
        sorted_codes = codes[order]
        pix = rgb.astype(np.int64)
        pix = (pix[..., 0] << 16) | (pix[..., 1] << 8) | pix[..., 2]
        pos = np.clip(np.searchsorted(sorted_codes, pix), 0, len(codes) - 1)
        known = sorted_codes[pos] == pix
        if not known.all():
            bad = np.unique(rgb[~known].reshape(-1, 3), axis=0)
            raise MaskColourError(
                f'clip {clip_id}: mask {path} holds {int((~known).sum())} '
                f'pixel(s) of colour(s) {bad[:5].tolist()} (RGB) that are not '
                f'in the {num_classes}-colour palette')
        return order[pos].astype(np.uint8)

    @staticmethod
    def _remap(raw: np.ndarray, results: dict, path: str,
               clip_id: str) -> np.ndarray:
        label_map = results.get('label_map')
        lut = np.full(256, -1, dtype=np.int64)
        lut[IGNORE_INDEX] = IGNORE_INDEX
        if not label_map:
            return raw
        for src, dst in label_map.items():
            lut[int(src)] = int(dst)
        out = lut[raw]
        if (out < 0).any():
            bad = np.unique(raw[out < 0])
            raise LabelRangeError(
                f'clip {clip_id}: mask {path} holds value(s) '
                f'{bad[:10].tolist()} outside the label set; expected '
                f'{sorted(label_map)}')
        return out.astype(np.uint8)

    @staticmethod
    def _check_classes(labels: np.ndarray, results: dict, path: str,
                       clip_id: str) -> np.ndarray:
        """Refuse labels outside ``[0, num_classes)`` (255 = ignore)."""
        num_classes = int(results['num_classes'])
        outside = (labels >= num_classes) & (labels != IGNORE_INDEX)
        if not outside.any():
            return labels
        bad, counts = np.unique(labels[outside], return_counts=True)
        described = []
        for k, n in zip(bad[:5].tolist(), counts[:5].tolist()):
            text = f'class {k} ({n} pixel(s)'
            if results['mask_format'] == 'palette':
                colour = avss_palette(
                    results.get('palette_size', num_classes))[k].tolist()
                text += f', colour RGB {colour}'
                if k < len(AVSS_CLASSES):
                    text += f" = AVSBench class '{AVSS_CLASSES[k]}'"
            elif results.get('label_map'):
                ids = sorted(
                    int(s) for s, d in results['label_map'].items()
                    if int(d) == k)
                text += f', mask value(s) {ids}'
            described.append(text + ')')
        raise LabelRangeError(
            f'clip {clip_id}: mask {path} holds {", ".join(described)}'
            f'{" and more" if len(bad) > 5 else ""}, outside the '
            f'{num_classes} classes (0..{num_classes - 1}) of the dataset; '
            "check the dataset's metainfo classes (and the model's "
            'num_classes) against the data')

    def transform(self, results: dict) -> dict:
        """Load the masks.

        Args:
            results (dict): The clip dict after :class:`LoadAVFrames`.

        Returns:
            dict: ``results`` with ``gt_masks``.
        """
        clip_id = results.get('clip_id', '?')
        shape = tuple(results['ori_shape'])
        binarize = results.get('binary', False)
        empty = bool(results.get('empty_target', False))
        masks = []
        for idx, path in enumerate(results['mask_paths']):
            if path is None:
                masks.append(np.full(shape, IGNORE_INDEX, np.uint8))
                continue
            mask = self._decode_mask(results, path, idx)
            if mask.shape != shape:
                raise ShapeMismatchError(
                    f'clip {clip_id}: mask {path} has size (H, W)='
                    f'{mask.shape}, expected the frame size {shape}')
            if binarize:
                mask = np.where(mask == IGNORE_INDEX, mask,
                                (mask > 0).astype(np.uint8))
            if empty:
                mask = np.where(mask == IGNORE_INDEX, IGNORE_INDEX,
                                0).astype(mask.dtype)
            masks.append(mask)
        results['gt_masks'] = masks
        seg_fields = results.setdefault('seg_fields', [])
        if 'gt_masks' not in seg_fields:
            seg_fields.append('gt_masks')
        return results

    def __repr__(self) -> str:
        return (
            f'{self.__class__.__name__}(imdecode_backend='
            f"'{self.imdecode_backend}', backend_args={self.backend_args})")
