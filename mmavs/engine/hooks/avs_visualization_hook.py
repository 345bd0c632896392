# Copyright (c) mmavs contributors. All rights reserved.
import os.path as osp
from typing import Optional, Sequence

import mmcv
import torch
from mmengine.fileio import get
from mmengine.hooks import Hook
from mmengine.runner import Runner
from mmengine.visualization import Visualizer
from mmseg.structures import SegDataSample

from mmavs.registry import HOOKS


@HOOKS.register_module()
class AVSVisualizationHook(Hook):
    """Write mask overlays of every valid test frame.

    Overlays go to ``{work_dir}/{timestamp}/{show_dir}/{clip_id}/
    {frame_idx}.png`` (one folder per clip, so frames of different clips
    with the same file name, e.g. AVSS ``0.jpg``, do not collide), drawn by
    the runner's visualizer (ground truth and prediction side by side when
    the ground truth is known). Padding frames (``valid=False``) are
    skipped.

    With ``draw_maps=True`` (``tools/test.py --show-maps``) the hook also
    writes the model's maps next to each overlay,
    ``{frame_idx}_uncertainty.png`` (RAVS uncertainty) and
    ``{frame_idx}_groups.png`` (AMA groups, RAVS Fig. 5 colours), for
    models that have them. They come from the model's explicit
    ``predict_with_extras`` (run once more on the batch, so drawing maps
    costs one more forward pass) and
    :func:`~mmavs.visualization.model_maps`.

    Args:
        draw (bool): Whether to draw. Defaults to False (``tools/test.py
            --show-dir`` turns it on).
        show_dir (str, optional): Sub-folder of the run's log dir (or an
            absolute path). Defaults to 'vis'.
        interval (int): Draw every ``interval``-th test batch. Defaults to 1.
        draw_gt (bool): Draw the ground truth next to the prediction.
        draw_maps (bool): Also draw the model's maps. Defaults to False.
    """

    def __init__(self,
                 draw: bool = False,
                 show_dir: Optional[str] = 'vis',
                 interval: int = 1,
                 draw_gt: bool = True,
                 draw_maps: bool = False) -> None:
        self.draw = draw
        self.show_dir = show_dir
        self.interval = interval
        self.draw_gt = draw_gt
        self.draw_maps = draw_maps

    @staticmethod
    def _maps(runner: Runner, data_batch: dict) -> dict:
        """Per-frame numpy maps of the batch (empty if the model has
        none)."""
        from mmengine.model import is_model_wrapper

        from mmavs.visualization import model_maps
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        if not hasattr(model, 'predict_with_extras'):
            return {}
        with torch.no_grad():
            data = model.data_preprocessor(data_batch, False)
            _, extras = model.predict_with_extras(**data)
            return {
                k: v.cpu().numpy()
                for k, v in model_maps(model, extras).items()
            }

    def after_test_iter(self, runner: Runner, batch_idx: int,
                        data_batch: dict,
                        outputs: Sequence[SegDataSample]) -> None:
        """Draw the frames of one test batch."""
        if not self.draw or batch_idx % self.interval != 0:
            return
        visualizer = Visualizer.get_current_instance()
        out_root = self.show_dir if osp.isabs(self.show_dir) else osp.join(
            runner.log_dir, self.show_dir)
        maps = self._maps(runner, data_batch) if self.draw_maps else {}
        for k, sample in enumerate(outputs):
            meta = sample.metainfo
            if not meta.get('valid', True) or meta.get('img_path') is None:
                continue
            img = mmcv.imfrombytes(get(meta['img_path']), channel_order='rgb')
            ori_h, ori_w = meta.get('ori_shape', img.shape[:2])
            if img.shape[:2] != (ori_h, ori_w):
                # predictions live at ori_shape (ClipResize(eval_at_resized))
                img = mmcv.imresize(img, (ori_w, ori_h))
            out_file = osp.join(out_root, str(meta.get('clip_id', 'clip')),
                                f'{meta.get("frame_idx", 0)}.png')
            visualizer.add_datasample(
                osp.basename(out_file),
                img,
                data_sample=sample,
                draw_gt=self.draw_gt and 'gt_sem_seg' in sample,
                show=False,
                out_file=out_file)
            if maps:
                self._write_maps(img, {n: m[k]
                                       for n, m in maps.items()}, out_file)

    @staticmethod
    def _write_maps(img, maps: dict, out_file: str) -> None:
        from mmavs.visualization import render_maps
        stem = osp.splitext(out_file)[0]
        for name, image in render_maps(img, maps).items():
            mmcv.imwrite(mmcv.rgb2bgr(image), f'{stem}_{name}.png')
