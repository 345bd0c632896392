# Copyright (c) mmavs contributors. All rights reserved.
"""LoadAVAnnotations: the empty target of a negative pair."""
import cv2
import numpy as np
import pytest

import mmavs  # noqa: F401
from mmavs.datasets.metainfo import avss_palette
from mmavs.datasets.transforms import (ClipRandomFlip, ClipResize,
                                       LoadAVAnnotations)


def _binary_clip(tmp_path, empty=None):
    paths = []
    for t in range(2):
        mask = np.zeros((6, 8), np.uint8)
        mask[1:4, 2 + t:6] = 255
        path = str(tmp_path / f'm{t}.png')
        cv2.imwrite(path, mask)
        paths.append(path)
    results = dict(
        clip_id='c0',
        mask_paths=paths + [None],  # frame 2: unlabelled
        mask_format='binary',
        ori_shape=(6, 8))
    if empty is not None:
        results['empty_target'] = empty
    return results


def test_empty_target_keeps_only_the_ignored_pixels(tmp_path):
    load = LoadAVAnnotations()
    plain = load(_binary_clip(tmp_path))['gt_masks']
    assert plain[0].max() == 1 and (plain[2] == 255).all()
    for flag in (False, None):
        same = load(_binary_clip(tmp_path, flag))['gt_masks']
        for a, b in zip(plain, same):
            np.testing.assert_array_equal(a, b)
    empty = load(_binary_clip(tmp_path, True))['gt_masks']
    assert [m.dtype for m in empty] == [np.uint8] * 3
    np.testing.assert_array_equal(empty[0], np.zeros((6, 8), np.uint8))
    np.testing.assert_array_equal(empty[1], np.zeros((6, 8), np.uint8))
    np.testing.assert_array_equal(empty[2], np.full((6, 8), 255, np.uint8))


def test_empty_target_of_semantic_masks_keeps_ignore(tmp_path):
    labels = np.array([[0, 3, 3, 255], [2, 2, 0, 255]], np.uint8)
    colours = avss_palette(5)[np.minimum(labels, 4)]
    colours[labels == 255] = avss_palette(5)[0]
    path = str(tmp_path / 'rgb.png')
    cv2.imwrite(path, colours[..., ::-1])
    index = str(tmp_path / 'idx.png')
    cv2.imwrite(index, labels)
    results = dict(
        clip_id='c0',
        mask_paths=[index],
        mask_format='index',
        num_classes=5,
        ori_shape=(2, 4),
        empty_target=True)
    empty = LoadAVAnnotations()(results)['gt_masks'][0]
    np.testing.assert_array_equal(empty, np.where(labels == 255, 255, 0))


def test_emptying_commutes_with_the_geometric_transforms(tmp_path):
    """Emptying at load time gives the masks that emptying after resize and
    flip gives (where negative targets used to be emptied, after the
    geometric transforms)."""
    resize = ClipResize(scale=(16, 12), keep_ratio=False)
    frames = [np.zeros((6, 8, 3), np.uint8)] * 3

    def run(results, flip):
        results = LoadAVAnnotations()(results)
        results['frames'] = list(frames)
        results = resize(results)
        return ClipRandomFlip(prob=1.0 if flip else 0.0)(results)['gt_masks']

    for flip in (False, True):
        late = [
            np.where(m == 255, 255, 0).astype(np.uint8)
            for m in run(_binary_clip(tmp_path), flip)
        ]
        early = run(_binary_clip(tmp_path, True), flip)
        for a, b in zip(late, early):
            np.testing.assert_array_equal(a, b)


def test_a_missing_mask_file_is_still_reported(tmp_path):
    results = _binary_clip(tmp_path, True)
    results['mask_paths'][0] = str(tmp_path / 'gone.png')
    with pytest.raises(FileNotFoundError, match='gone.png'):
        LoadAVAnnotations()(results)


def test_padding_frames_become_zeros_of_the_clip_size(tmp_path):
    """LoadAVFrames (files) and AVInferencerLoader (arrays) fill a padding
    frame with zeros of the clip's size and set img_shape / ori_shape."""
    from mmavs.datasets.transforms import AVInferencerLoader, LoadAVFrames
    rgb = np.zeros((6, 8, 3), np.uint8)
    rgb[..., 0], rgb[..., 1], rgb[..., 2] = 200, 100, 50
    path = str(tmp_path / 'f.png')
    cv2.imwrite(path, rgb[..., ::-1])  # cv2 writes BGR
    from_files = LoadAVFrames()(dict(clip_id='c', frame_paths=[None, path]))
    from_arrays = AVInferencerLoader()(
        dict(clip_id='c', frames=[rgb, None, rgb]))
    for results, real in ((from_files, [1]), (from_arrays, [0, 2])):
        assert results['img_shape'] == (6, 8)
        assert results['ori_shape'] == (6, 8)
        for t, frame in enumerate(results['frames']):
            assert frame.shape == (6, 8, 3) and frame.dtype == np.uint8
            np.testing.assert_array_equal(frame, rgb if t in real else 0)
