# Copyright (c) mmavs contributors. All rights reserved.
"""AVSVisualizationHook: one overlay per valid frame, under its clip."""
import itertools
import os
import os.path as osp
from types import SimpleNamespace

import cv2
import numpy as np
import torch
from mmengine.structures import PixelData
from mmengine.visualization import Visualizer
from mmseg.structures import SegDataSample

import mmavs  # noqa: F401
from mmavs.engine.hooks import AVSVisualizationHook
from mmavs.registry import VISUALIZERS

_NAMES = itertools.count()


def _visualizer():
    return VISUALIZERS.build(
        dict(
            type='AVSLocalVisualizer',
            name=f'vis_hook_{next(_NAMES)}',
            vis_backends=[]))


def _samples(tmp_path, clip, valid, size=(8, 10)):
    out = []
    for t, ok in enumerate(valid):
        img = np.full(size + (3, ), 40 * (t + 1), np.uint8)
        path = str(tmp_path / f'{clip}_{t}.png')
        cv2.imwrite(path, img)
        s = SegDataSample(
            metainfo=dict(
                clip_id=clip,
                frame_idx=t,
                valid=ok,
                img_path=path,
                ori_shape=size))
        pred = torch.zeros(1, *size, dtype=torch.long)
        pred[0, :4] = 1
        s.pred_sem_seg = PixelData(data=pred)
        s.gt_sem_seg = PixelData(data=pred.clone())
        out.append(s)
    return out


def _written(root):
    return sorted(
        osp.relpath(osp.join(d, f), root) for d, _, files in os.walk(root)
        for f in files)


def test_valid_frames_are_drawn_under_their_clip(tmp_path):
    vis = _visualizer()
    vis.dataset_meta = dict(
        classes=('background', 'sounding'), palette=[[0, 0, 0], [255, 0, 0]])
    runner = SimpleNamespace(log_dir=str(tmp_path / 'log'))
    samples = _samples(tmp_path, 'clipA', [True, True, False])
    AVSVisualizationHook(draw=False).after_test_iter(runner, 0, {}, samples)
    assert not osp.exists(tmp_path / 'log')
    hook = AVSVisualizationHook(draw=True)
    assert Visualizer.get_current_instance() is vis
    hook.after_test_iter(runner, 0, {}, samples)
    root = str(tmp_path / 'log' / 'vis')
    # the padding frame (valid=False) is skipped
    assert _written(root) == ['clipA/0.png', 'clipA/1.png']
    drawn = cv2.imread(osp.join(root, 'clipA', '1.png'))
    # ground truth and prediction side by side, each at the frame size
    assert drawn.shape == (8, 20, 3)
    # the sounding rows are tinted, the background keeps the frame colour
    assert (drawn[6, 0] == 80).all() and not (drawn[0, 0] == 80).all()


def test_interval_and_absolute_show_dir(tmp_path):
    _visualizer()
    runner = SimpleNamespace(log_dir=str(tmp_path / 'log'))
    hook = AVSVisualizationHook(
        draw=True, show_dir=str(tmp_path / 'abs'), interval=2)
    hook.after_test_iter(runner, 1, {}, _samples(tmp_path, 'b1', [True]))
    hook.after_test_iter(runner, 2, {}, _samples(tmp_path, 'b2', [True]))
    assert _written(str(tmp_path / 'abs')) == ['b2/0.png']
