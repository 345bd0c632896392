# Copyright (c) mmavs contributors. All rights reserved.
from typing import List, Optional

import numpy as np
import torch
from mmengine.structures import PixelData
from mmseg.visualization import SegLocalVisualizer

from mmavs.registry import VISUALIZERS


@VISUALIZERS.register_module()
class AVSLocalVisualizer(SegLocalVisualizer):
    """mmseg's visualizer with the background left as it is.

    mmseg blends every pixel with its class colour, which darkens the whole
    frame for binary AVS masks. Here only foreground pixels (label not equal
    to ``background_index`` and within the class list) are blended; the
    rest of the frame keeps its original colours.

    Args:
        name (str): Name of the visualizer instance.
        background_index (int): Label of the background. Defaults to 0.
        **kwargs: Arguments of :class:`SegLocalVisualizer`.
    """

    def __init__(self,
                 name: str = 'visualizer',
                 background_index: int = 0,
                 **kwargs) -> None:
        super().__init__(name=name, **kwargs)
        self.background_index = background_index

    def _draw_sem_seg(self,
                      image: np.ndarray,
                      sem_seg: PixelData,
                      classes: Optional[List],
                      palette: Optional[List],
                      with_labels: Optional[bool] = True) -> np.ndarray:
        labels = sem_seg.cpu().data.long()
        foreground = (labels[0] != self.background_index) & \
            (labels[0] < len(classes))
        shown = torch.where(foreground[None], labels,
                            torch.full_like(labels, len(classes)))
        drawn = super()._draw_sem_seg(image, PixelData(data=shown), classes,
                                      palette, with_labels)
        out = np.where(foreground.numpy()[..., None], drawn,
                       image).astype(np.uint8)
        self.set_image(out)
        return out
