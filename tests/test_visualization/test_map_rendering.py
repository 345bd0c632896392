# Copyright (c) mmavs contributors. All rights reserved.
"""Mask overlays and map pictures against hand-computed pixels."""
import numpy as np
import pytest

from mmavs.datasets.avss import avss_palette
from mmavs.visualization import (colorize_mask, overlay_mask, render_groups,
                                 render_uncertainty, resize_map)


def test_avss_palette_colours():
    mask = np.array([[0, 1], [2, 15]])
    np.testing.assert_array_equal(
        colorize_mask(mask, avss_palette()),
        [[[0, 0, 0], [128, 0, 0]], [[0, 128, 0], [192, 128, 128]]])
    with pytest.raises(ValueError, match='label 3.*2 colours'):
        colorize_mask(np.array([[3]]), [[0, 0, 0], [255, 255, 255]])


def test_overlay_blends_foreground_only_and_upsamples_nearest():
    frame = np.full((4, 4, 3), 100, np.uint8)
    mask = np.array([[0, 1], [2, 0]])  # 2x2 labels on a 4x4 frame
    out = overlay_mask(frame, mask, avss_palette(), alpha=0.5)
    assert (out[:2, :2] == 100).all() and (out[2:, 2:] == 100).all()
    np.testing.assert_array_equal(out[:2, 2:], np.full((2, 2, 3),
                                                       [114, 50, 50]))
    np.testing.assert_array_equal(out[2:, :2], np.full((2, 2, 3),
                                                       [50, 114, 50]))


def test_uncertainty_colours_blue_low_red_high():
    frame = np.zeros((2, 2, 3), np.uint8)
    values = np.array([[0.0, 1.0], [1.0, 0.0]], np.float32)
    out = render_uncertainty(frame, values, alpha=1.0)
    np.testing.assert_array_equal(out[0, 0], [0, 0, 128])  # jet(0)
    np.testing.assert_array_equal(out[0, 1], [128, 0, 0])  # jet(1)


def test_groups_coloured_as_ravs_fig5():
    frame = np.zeros((2, 3, 3), np.uint8)
    score = np.array([[1.0, 0.0, 0.6], [1.0, 0.0, 0.6]], np.float32)
    positive = score > 0.5
    group = np.array([[0, 1, 2], [0, 1, 2]])
    out = render_groups(frame, score, positive, alpha=1.0)
    np.testing.assert_array_equal(out[0, 0], [8, 48, 107])  # Blues(1)
    np.testing.assert_array_equal(out[0, 1], [103, 0, 13])  # Reds(1 - 0)
    assert out[0, 2, 2] > out[0, 2, 0]  # positive: a blue
    edges = render_groups(frame, score, positive, group, alpha=1.0)
    np.testing.assert_array_equal(edges[:, 1:], 255)  # group boundaries
    np.testing.assert_array_equal(edges[:, 0], out[:, 0])


def test_resize_map_modes():
    values = np.array([[0.0, 1.0]], np.float32)
    np.testing.assert_array_equal(
        resize_map(values, (1, 4), 'nearest'), [[0, 0, 1, 1]])
    assert resize_map(np.array([[True, False]]), (2, 4), 'nearest').dtype \
        == bool
