# Copyright (c) mmavs contributors. All rights reserved.
"""Clip-consistent augmentation: one random draw for all frames/masks."""
import numpy as np
import pytest

import mmavs  # noqa: F401
from mmavs.registry import TRANSFORMS


def _clip(T=4, h=40, w=60, valid=None):
    """Frames whose pixels encode (t, y, x); masks with one object."""
    yy, xx = np.mgrid[0:h, 0:w]
    frames = [
        np.stack([yy * 4 % 256, xx * 4 % 256,
                  np.full_like(yy, 30 * t + 10)], -1).astype(np.uint8)
        for t in range(T)
    ]
    masks = []
    for t in range(T):
        m = np.zeros((h, w), np.uint8)
        m[4:20, 36 + t:52 + t] = 1
        masks.append(m)
    masks[-1][:] = 255  # an unlabelled frame
    return dict(
        frames=frames,
        gt_masks=masks,
        img_shape=(h, w),
        ori_shape=(h, w),
        seg_fields=['gt_masks'],
        valid=valid or [True] * T)


def _build(**cfg):
    return TRANSFORMS.build(cfg)


def test_resize_and_random_resize():
    out = _build(type='ClipResize', scale=(30, 20)).transform(_clip())
    assert out['img_shape'] == (20, 30)
    assert out['scale_factor'] == (0.5, 0.5) and out['keep_ratio'] is False
    for f, m in zip(out['frames'], out['gt_masks']):
        assert f.shape == (20, 30, 3) and m.shape == (20, 30)
    # nearest for masks: no new label values
    assert set(np.unique(np.stack(out['gt_masks']))) <= {0, 1, 255}
    np.random.seed(3)
    rr = _build(
        type='ClipRandomResize', scale=(60, 40), ratio_range=(0.5, 2.0))
    sizes = set()
    for _ in range(5):
        out = rr.transform(_clip())
        shapes = {f.shape[:2] for f in out['frames']}
        shapes |= {m.shape for m in out['gt_masks']}
        assert len(shapes) == 1  # one size for the whole clip
        h, w = shapes.pop()
        assert (h, w) == out['img_shape']
        assert 20 <= h <= 80 and abs(w / h - 1.5) < 0.05
        sizes.add((h, w))
    assert len(sizes) > 1


def test_random_crop_same_window_and_cat_max_ratio():
    clip = _clip()
    np.random.seed(0)
    crop = _build(
        type='ClipRandomCrop', crop_size=(16, 16), cat_max_ratio=0.75)
    for _ in range(3):
        out = crop.transform(
            dict(
                clip,
                frames=list(clip['frames']),
                gt_masks=list(clip['gt_masks'])))
        y1, y2, x1, x2 = out['crop_bbox']
        assert out['img_shape'] == (16, 16)
        for t in range(4):
            np.testing.assert_array_equal(out['frames'][t],
                                          clip['frames'][t][y1:y2, x1:x2])
            np.testing.assert_array_equal(out['gt_masks'][t],
                                          clip['gt_masks'][t][y1:y2, x1:x2])

    def object_kept(ratio):
        """How often the window holds object and background (of 40)."""
        np.random.seed(0)
        t = _build(
            type='ClipRandomCrop', crop_size=(16, 16), cat_max_ratio=ratio)
        hits = 0
        for _ in range(40):
            labels = np.stack(t.transform(_clip())['gt_masks'][:3])
            hits += bool((labels == 1).any() and (labels == 0).any())
        return hits

    with_check, without = object_kept(0.75), object_kept(1.0)
    assert with_check >= 36  # up to 10 redraws keep the sounding object
    assert without <= 24
    small = _build(
        type='ClipRandomCrop', crop_size=(100, 100)).transform(_clip())
    assert small['img_shape'] == (40, 60)


def test_cat_max_ratio_does_not_count_ignored_pixels():
    """mmseg's rule: the share of the largest class among the labelled
    pixels of the window (over all frames) must stay under cat_max_ratio,
    and two classes must be present; ``ignore_index`` is no class."""
    crop = _build(type='ClipRandomCrop', crop_size=(4, 4), cat_max_ratio=0.75)
    window = (0, 4, 0, 4)

    def masks(n0, n1, n_ignored):
        flat = np.array([0] * n0 + [1] * n1 + [255] * n_ignored, np.uint8)
        return [flat.reshape(4, 4), np.full((4, 4), 255, np.uint8)]

    # one class and ignored pixels: a single class, refused
    assert not crop._accept(masks(8, 0, 8), window)
    # 5 of 6 labelled pixels are class 0 (0.83 > 0.75), refused
    assert not crop._accept(masks(5, 1, 10), window)
    # 3 of 5 (0.6), accepted
    assert crop._accept(masks(3, 2, 11), window)


def test_center_crop_window_as_official_avss_loader():
    # 40 x 60 frames, 16 x 25 window: rows round(24 / 2) = 12, columns
    # round(35 / 2) = round(17.5) = 18 (Python rounds halves to even)
    out = _build(type='ClipCenterCrop', crop_size=(16, 25)).transform(_clip())
    assert out['crop_bbox'] == (12, 28, 18, 43)
    assert out['img_shape'] == (16, 25)
    clip = _clip()
    for t in range(4):
        np.testing.assert_array_equal(out['frames'][t],
                                      clip['frames'][t][12:28, 18:43])
        np.testing.assert_array_equal(out['gt_masks'][t],
                                      clip['gt_masks'][t][12:28, 18:43])
    # odd margin 21 / 2 = 10.5 -> 10
    out = _build(type='ClipCenterCrop', crop_size=(19, 60)).transform(_clip())
    assert out['crop_bbox'] == (10, 29, 0, 60)


def test_flip_all_or_nothing():
    flip = _build(type='ClipRandomFlip', prob=0.5)
    np.random.seed(1)
    seen = set()
    for _ in range(10):
        clip = _clip()
        out = flip.transform(_clip())
        seen.add(out['flip'])
        for t in range(4):
            exp_f = clip['frames'][t][:, ::-1] if out['flip'] else \
                clip['frames'][t]
            exp_m = clip['gt_masks'][t][:, ::-1] if out['flip'] else \
                clip['gt_masks'][t]
            np.testing.assert_array_equal(out['frames'][t], exp_f)
            np.testing.assert_array_equal(out['gt_masks'][t], exp_m)
        assert out['flip_direction'] == ('horizontal' if out['flip'] else None)
    assert seen == {True, False}
    with pytest.raises(ValueError, match=r'prob .*\[0, 1\], got 2\.0'):
        _build(type='ClipRandomFlip', prob=2.0)


def test_photometric_same_draw_and_padding_untouched():
    same = [np.full((8, 8, 3), (90, 140, 200), np.uint8)] * 3
    pad = np.zeros((8, 8, 3), np.uint8)
    dist = _build(type='ClipPhotoMetricDistortion')
    changed = 0
    np.random.seed(5)
    for _ in range(8):
        out = dist.transform(
            dict(frames=same + [pad], valid=[True, True, True, False]))
        for t in (1, 2):
            np.testing.assert_array_equal(out['frames'][t], out['frames'][0])
        assert not out['frames'][3].any()
        changed += int(not np.array_equal(out['frames'][0], same[0]))
    assert changed > 0


def test_train_pipeline_keeps_clip_consistent():
    """Resize -> crop -> flip -> colour: frames stay mutually aligned."""
    pipeline = [
        _build(type='ClipRandomResize', scale=(60, 40)),
        _build(type='ClipRandomCrop', crop_size=24, cat_max_ratio=0.75),
        _build(type='ClipRandomFlip', prob=0.5),
    ]
    np.random.seed(2)
    for _ in range(4):
        out = _clip()
        for t in pipeline:
            out = t.transform(out)
        first = out['frames'][0].astype(int)
        for t in range(1, 4):  # only the per-frame constant channel differs
            np.testing.assert_array_equal(out['frames'][t][..., :2],
                                          first[..., :2])


def test_clip_resize_eval_at_resized_moves_ori_shape():
    from mmavs.datasets.transforms import ClipResize
    rng = np.random.default_rng(0)
    results = dict(
        frames=[rng.integers(0, 255, (30, 40, 3), np.uint8)] * 2,
        gt_masks=[np.zeros((30, 40), np.uint8)] * 2,
        img_shape=(30, 40),
        ori_shape=(30, 40))
    out = ClipResize(scale=(16, 12), eval_at_resized=True)(dict(results))
    assert out['ori_shape'] == out['img_shape'] == (12, 16)
    assert out['gt_masks'][0].shape == (12, 16)
    kept = ClipResize(scale=(16, 12))(dict(results))
    assert kept['ori_shape'] == (30, 40) and kept['img_shape'] == (12, 16)
