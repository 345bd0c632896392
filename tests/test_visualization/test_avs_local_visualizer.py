# Copyright (c) mmavs contributors. All rights reserved.
import numpy as np
import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from mmavs.visualization import AVSLocalVisualizer


def test_only_foreground_is_blended():
    vis = AVSLocalVisualizer(name='avs_vis_test', alpha=0.5)
    vis.dataset_meta = dict(
        classes=('background', 'sounding'),
        palette=[[0, 0, 0], [255, 0, 0]])
    image = np.full((8, 8, 3), 100, np.uint8)
    mask = torch.zeros(1, 8, 8)
    mask[0, 2:5, 2:5] = 1
    sample = SegDataSample(pred_sem_seg=PixelData(data=mask))
    vis.add_datasample('frame', image, sample, draw_gt=False,
                       with_labels=False, show=False)
    out = vis.get_image()
    fg = mask[0].bool().numpy()
    assert (out[~fg] == 100).all()  # background untouched
    np.testing.assert_array_equal(out[fg][0], [177, 50, 50])  # 0.5 blend
