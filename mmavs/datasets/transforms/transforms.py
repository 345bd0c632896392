# Copyright (c) mmavs contributors. All rights reserved.
"""Clip-consistent augmentation: one random draw for all ``T`` frames of a
clip and their masks."""
from typing import List, Sequence, Tuple, Union

import cv2
import mmcv
import numpy as np
from mmcv.transforms import BaseTransform
from mmcv.transforms.utils import cache_randomness

from mmavs.registry import TRANSFORMS
from ..metainfo import IGNORE_INDEX


def _seg_keys(results: dict) -> List[str]:
    keys = list(results.get('seg_fields', []))
    if 'gt_masks' in results and 'gt_masks' not in keys:
        keys.append('gt_masks')
    return keys


@TRANSFORMS.register_module()
class ClipResize(BaseTransform):
    """Resize all frames (bilinear) and masks (nearest) of a clip.

    Required Keys:

    - frames (list[np.ndarray])
    - gt_masks (list[np.ndarray], optional)

    Modified Keys:

    - frames, gt_masks (and other ``seg_fields``)
    - img_shape
    - ori_shape (only with ``eval_at_resized=True``)

    Added Keys:

    - scale (tuple[int, int]): the target ``(w, h)``
    - scale_factor (tuple[float, float]): ``(w_scale, h_scale)``
    - keep_ratio (bool)

    Args:
        scale (int | tuple[int, int]): Target ``(w, h)``; an int means a
            square.
        keep_ratio (bool): Keep the aspect ratio, fitting inside ``scale``
            (``mmcv.imrescale``). Defaults to False.
        interpolation (str): Frame interpolation. Defaults to 'bilinear'.
        eval_at_resized (bool): Set ``ori_shape`` to the resized shape, so
            predictions are produced, and scored against the (nearest-)
            resized masks, at this size. The official AVSBench evaluation
            works this way: it resizes frames and masks to 224x224 and scores
            there (use it in test pipelines with ``LoadAVAnnotations`` before
            the resize). Defaults to False: masks are loaded after the resize
            and predictions are scored at the original resolution.
    """

    def __init__(self,
                 scale: Union[int, Tuple[int, int]],
                 keep_ratio: bool = False,
                 interpolation: str = 'bilinear',
                 eval_at_resized: bool = False) -> None:
        self.scale = (scale, scale) if isinstance(scale, int) else tuple(scale)
        if len(self.scale) != 2 or min(self.scale) <= 0:
            raise ValueError(f'scale must be a positive (w, h), got {scale}')
        self.keep_ratio = keep_ratio
        self.interpolation = interpolation
        self.eval_at_resized = eval_at_resized

    def _target_size(self, h: int, w: int,
                     scale: Tuple[int, int]) -> Tuple[int, int]:
        """Output ``(w, h)``."""
        if self.keep_ratio:
            return mmcv.rescale_size((w, h), scale)
        return scale

    def _resize(self, results: dict, scale: Tuple[int, int]) -> dict:
        h, w = results['frames'][0].shape[:2]
        new_w, new_h = self._target_size(h, w, scale)
        results['frames'] = [
            mmcv.imresize(f, (new_w, new_h), interpolation=self.interpolation)
            for f in results['frames']
        ]
        for key in _seg_keys(results):
            results[key] = [
                mmcv.imresize(m, (new_w, new_h), interpolation='nearest')
                for m in results[key]
            ]
        results['img_shape'] = (new_h, new_w)
        results['scale'] = tuple(scale)
        results['scale_factor'] = (new_w / w, new_h / h)
        results['keep_ratio'] = self.keep_ratio
        if self.eval_at_resized:
            results['ori_shape'] = (new_h, new_w)
        return results

    def transform(self, results: dict) -> dict:
        """Resize the clip.

        Args:
            results (dict): Clip results with ``frames``.

        Returns:
            dict: Resized results.
        """
        return self._resize(results, self.scale)

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(scale={self.scale}, keep_ratio='
                f"{self.keep_ratio}, interpolation='{self.interpolation}')")


@TRANSFORMS.register_module()
class ClipRandomResize(ClipResize):
    """Resize a clip by one random ratio of ``scale``.

    The target is ``scale * r`` with ``r ~ U(ratio_range)``, drawn once per
    clip (as ``mmcv.RandomResize`` with ``ratio_range``).

    Required / Modified / Added Keys: as :class:`ClipResize`.

    Args:
        scale (int | tuple[int, int]): Base ``(w, h)``.
        ratio_range (tuple[float, float]): Range of ``r``. Defaults to
            ``(0.5, 2.0)``.
        keep_ratio (bool): Keep the frame aspect ratio. Defaults to True.
        interpolation (str): Frame interpolation. Defaults to 'bilinear'.
    """

    def __init__(self,
                 scale: Union[int, Tuple[int, int]],
                 ratio_range: Tuple[float, float] = (0.5, 2.0),
                 keep_ratio: bool = True,
                 interpolation: str = 'bilinear') -> None:
        super().__init__(scale, keep_ratio, interpolation)
        low, high = ratio_range
        if not 0 < low <= high:
            raise ValueError(f'ratio_range must satisfy 0 < low <= high, '
                             f'got {ratio_range}')
        self.ratio_range = (float(low), float(high))

    @cache_randomness
    def _random_scale(self) -> Tuple[int, int]:
        ratio = np.random.uniform(*self.ratio_range)
        return (max(1, int(self.scale[0] * ratio + 0.5)),
                max(1, int(self.scale[1] * ratio + 0.5)))

    def transform(self, results: dict) -> dict:
        """Resize the clip by one random ratio.

        Args:
            results (dict): Clip results with ``frames``.

        Returns:
            dict: Resized results.
        """
        return self._resize(results, self._random_scale())

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(scale={self.scale}, ratio_range='
                f'{self.ratio_range}, keep_ratio={self.keep_ratio})')


@TRANSFORMS.register_module()
class ClipRandomCrop(BaseTransform):
    """Crop one random window out of every frame and mask of a clip.

    With ``cat_max_ratio < 1`` the window is redrawn (up to 10 times, as
    mmseg's ``RandomCrop``) until no single class covers more than
    ``cat_max_ratio`` of the labelled pixels of the clip's masks inside the
    window and at least two classes are present, which keeps the sounding
    object in the crop. A frame smaller than the crop is kept whole along
    that side (pad later, in the data preprocessor).

    Required Keys:

    - frames (list[np.ndarray])
    - gt_masks (list[np.ndarray], optional)

    Modified Keys:

    - frames, gt_masks (and other ``seg_fields``)
    - img_shape

    Added Keys:

    - crop_bbox (tuple[int, int, int, int]): ``(y1, y2, x1, x2)``

    Args:
        crop_size (int | tuple[int, int]): ``(h, w)`` of the window.
        cat_max_ratio (float): Largest share of one class. Defaults to 1
            (no check).
        ignore_index (int): Label not counted. Defaults to 255.
    """

    def __init__(self,
                 crop_size: Union[int, Tuple[int, int]],
                 cat_max_ratio: float = 1.0,
                 ignore_index: int = IGNORE_INDEX) -> None:
        self.crop_size = ((crop_size, crop_size)
                          if isinstance(crop_size, int) else tuple(crop_size))
        if len(self.crop_size) != 2 or min(self.crop_size) <= 0:
            raise ValueError(f'crop_size must be positive, got {crop_size}')
        self.cat_max_ratio = cat_max_ratio
        self.ignore_index = ignore_index

    @cache_randomness
    def _random_bbox(self, h: int, w: int) -> Tuple[int, int, int, int]:
        off_h = np.random.randint(0, max(h - self.crop_size[0], 0) + 1)
        off_w = np.random.randint(0, max(w - self.crop_size[1], 0) + 1)
        return (off_h, off_h + self.crop_size[0], off_w,
                off_w + self.crop_size[1])

    @staticmethod
    def _clip_bbox(bbox, h: int, w: int) -> Tuple[int, int, int, int]:
        y1, y2, x1, x2 = bbox
        return y1, min(y2, h), x1, min(x2, w)

    def _accept(self, masks: List[np.ndarray], bbox) -> bool:
        """Whether no class covers ``cat_max_ratio`` of the labelled pixels
        of the window (over all frames) and two classes are present."""
        y1, y2, x1, x2 = bbox
        counts = sum(
            np.bincount(m[y1:y2, x1:x2].ravel(), minlength=256) for m in masks)
        counts[self.ignore_index] = 0
        counts = counts[counts > 0]
        return len(counts) > 1 and (counts.max() / counts.sum()
                                    < self.cat_max_ratio)

    def transform(self, results: dict) -> dict:
        """Crop the clip.

        Args:
            results (dict): Clip results with ``frames``.

        Returns:
            dict: Cropped results.
        """
        h, w = results['frames'][0].shape[:2]
        bbox = self._clip_bbox(self._random_bbox(h, w), h, w)
        if self.cat_max_ratio < 1.0 and results.get('gt_masks'):
            for _ in range(10):
                if self._accept(results['gt_masks'], bbox):
                    break
                bbox = self._clip_bbox(self._random_bbox(h, w), h, w)
        y1, y2, x1, x2 = bbox
        # mmcv.imcrop takes inclusive (x1, y1, x2, y2) boxes
        box = np.array([x1, y1, x2 - 1, y2 - 1])
        results['frames'] = [mmcv.imcrop(f, box) for f in results['frames']]
        for key in _seg_keys(results):
            results[key] = [mmcv.imcrop(m, box) for m in results[key]]
        results['img_shape'] = (y2 - y1, x2 - x1)
        results['crop_bbox'] = (y1, y2, x1, x2)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(crop_size={self.crop_size}, '
                f'cat_max_ratio={self.cat_max_ratio}, '
                f'ignore_index={self.ignore_index})')


@TRANSFORMS.register_module()
class ClipCenterCrop(ClipRandomCrop):
    """Crop the centre window of every frame and mask of a clip.

    The window starts at ``round((h - crop_h) / 2)``, ``round((w - crop_w) /
    2)`` (Python's ``round``, as the official AVSS loader's
    ``crop_resize_img``); a frame smaller than the crop is kept whole along
    that side.

    Required / Modified / Added Keys: as :class:`ClipRandomCrop`.

    Args:
        crop_size (int | tuple[int, int]): ``(h, w)`` of the window.
    """

    def __init__(self, crop_size: Union[int, Tuple[int, int]]) -> None:
        super().__init__(crop_size)

    def _random_bbox(self, h: int, w: int) -> Tuple[int, int, int, int]:
        off_h = max(int(round((h - self.crop_size[0]) / 2.)), 0)
        off_w = max(int(round((w - self.crop_size[1]) / 2.)), 0)
        return (off_h, off_h + self.crop_size[0], off_w,
                off_w + self.crop_size[1])

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(crop_size={self.crop_size})'


@TRANSFORMS.register_module()
class ClipRandomFlip(BaseTransform):
    """Flip all frames and masks of a clip with one coin toss.

    A stereo waveform (``audio`` of shape ``[T, 2, L]`` with
    ``audio_representation='waveform'``) has its channels swapped on a
    horizontal flip when ``flip_stereo_audio`` is set, so that the sound
    keeps its side (the VPO stereo code flips the source positions).

    Required Keys:

    - frames (list[np.ndarray])
    - gt_masks (list[np.ndarray], optional)

    Modified Keys:

    - frames, gt_masks (and other ``seg_fields``), audio (stereo only)

    Added Keys:

    - flip (bool)
    - flip_direction (str | None)

    Args:
        prob (float): Flip probability. Defaults to 0.5.
        direction (str): ``'horizontal'``, ``'vertical'`` or ``'diagonal'``.
            Defaults to ``'horizontal'``.
        flip_stereo_audio (bool): Swap stereo channels on horizontal
            flips. Defaults to True.
    """

    def __init__(self,
                 prob: float = 0.5,
                 direction: str = 'horizontal',
                 flip_stereo_audio: bool = True) -> None:
        if not 0.0 <= prob <= 1.0:
            raise ValueError(f'prob must lie in [0, 1], got {prob}')
        if direction not in ('horizontal', 'vertical', 'diagonal'):
            raise ValueError(f'unknown flip direction {direction!r}')
        self.prob = prob
        self.direction = direction
        self.flip_stereo_audio = flip_stereo_audio

    @cache_randomness
    def _do_flip(self) -> bool:
        return bool(np.random.rand() < self.prob)

    def transform(self, results: dict) -> dict:
        """Flip the clip (or not).

        Args:
            results (dict): Clip results with ``frames``.

        Returns:
            dict: Results with ``flip`` and ``flip_direction``.
        """
        flip = self._do_flip()
        results['flip'] = flip
        results['flip_direction'] = self.direction if flip else None
        if not flip:
            return results
        results['frames'] = [
            mmcv.imflip(f, direction=self.direction) for f in results['frames']
        ]
        for key in _seg_keys(results):
            results[key] = [
                mmcv.imflip(m, direction=self.direction) for m in results[key]
            ]
        audio = results.get('audio')
        if (self.flip_stereo_audio and self.direction == 'horizontal'
                and audio is not None
                and results.get('audio_representation') == 'waveform'
                and audio.ndim == 3 and audio.shape[1] == 2):
            results['audio'] = np.ascontiguousarray(audio[:, ::-1])
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(prob={self.prob}, direction='
                f"'{self.direction}', flip_stereo_audio="
                f'{self.flip_stereo_audio})')


@TRANSFORMS.register_module()
class ClipPhotoMetricDistortion(BaseTransform):
    """Colour jitter with one random draw per clip.

    The steps and ranges of mmseg's ``PhotoMetricDistortion`` (brightness,
    contrast before or after, saturation, hue; each applied with
    probability 0.5), but the coin tosses and values are drawn once and
    applied to every real frame of the clip. Frames are RGB; padding frames
    (``valid=False``) stay untouched.

    Required Keys:

    - frames (list[np.ndarray]): uint8 RGB
    - valid (list[bool], optional)

    Modified Keys:

    - frames

    Args:
        brightness_delta (int): Delta of brightness. Defaults to 32.
        contrast_range (Sequence[float]): Range of contrast. Defaults to
            ``(0.5, 1.5)``.
        saturation_range (Sequence[float]): Range of saturation. Defaults to
            ``(0.5, 1.5)``.
        hue_delta (int): Delta of hue (OpenCV units, 0..180). Defaults to
            18.
    """

    def __init__(self,
                 brightness_delta: int = 32,
                 contrast_range: Sequence[float] = (0.5, 1.5),
                 saturation_range: Sequence[float] = (0.5, 1.5),
                 hue_delta: int = 18) -> None:
        self.brightness_delta = brightness_delta
        self.contrast_lower, self.contrast_upper = contrast_range
        self.saturation_lower, self.saturation_upper = saturation_range
        self.hue_delta = hue_delta

    @cache_randomness
    def _draw(self) -> dict:
        rand = np.random
        params = dict(
            brightness=(rand.uniform(-self.brightness_delta,
                                     self.brightness_delta)
                        if rand.randint(2) else None),
            contrast_first=bool(rand.randint(2)),
            contrast=(rand.uniform(self.contrast_lower, self.contrast_upper)
                      if rand.randint(2) else None),
            saturation=(rand.uniform(self.saturation_lower,
                                     self.saturation_upper)
                        if rand.randint(2) else None),
            hue=(rand.randint(-self.hue_delta, self.hue_delta)
                 if rand.randint(2) else None))
        return params

    @staticmethod
    def _convert(img: np.ndarray,
                 alpha: float = 1.0,
                 beta: float = 0.0) -> np.ndarray:
        img = img.astype(np.float32) * alpha + beta
        return np.clip(img, 0, 255).astype(np.uint8)

    def _apply(self, img: np.ndarray, p: dict) -> np.ndarray:
        if p['brightness'] is not None:
            img = self._convert(img, beta=p['brightness'])
        if p['contrast_first'] and p['contrast'] is not None:
            img = self._convert(img, alpha=p['contrast'])
        if p['saturation'] is not None or p['hue'] is not None:
            hsv = cv2.cvtColor(img, cv2.COLOR_RGB2HSV)
            if p['saturation'] is not None:
                hsv[..., 1] = self._convert(hsv[..., 1], alpha=p['saturation'])
            if p['hue'] is not None:
                hsv[..., 0] = (hsv[..., 0].astype(int) + p['hue']) % 180
            img = cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)
        if not p['contrast_first'] and p['contrast'] is not None:
            img = self._convert(img, alpha=p['contrast'])
        return img

    def transform(self, results: dict) -> dict:
        """Distort the colours of the clip.

        Args:
            results (dict): Clip results with ``frames``.

        Returns:
            dict: Results with distorted frames.
        """
        params = self._draw()
        valid = results.get('valid', [True] * len(results['frames']))
        results['frames'] = [
            self._apply(f, params) if v else f
            for f, v in zip(results['frames'], valid)
        ]
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(brightness_delta='
                f'{self.brightness_delta}, contrast_range=('
                f'{self.contrast_lower}, {self.contrast_upper}), '
                f'saturation_range=({self.saturation_lower}, '
                f'{self.saturation_upper}), hue_delta={self.hue_delta})')
