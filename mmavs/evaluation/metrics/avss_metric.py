# Copyright (c) mmavs contributors. All rights reserved.
"""AVSBench-Semantic (AVSS) mIoU / F metric."""
from collections import OrderedDict
from typing import Dict, Optional, Sequence, Tuple

import torch
from mmengine.logging import print_log
from prettytable import PrettyTable
from torch import Tensor

from mmavs.registry import METRICS
from ..functional.frame_records import (check_finite, check_labels, clip_field,
                                        describe_sample,
                                        frame_logits_and_label, is_scored,
                                        pixel_data)
from ..functional.semantic_measures import (BETA2, semantic_frame_stats,
                                            semantic_scores)
from .base_clip_metric import BaseClipMetric


@METRICS.register_module()
class AVSSMetric(BaseClipMetric):
    """Per-class mIoU and F of audio-visual semantic segmentation.

    The official AVSS definition (see
    :mod:`mmavs.evaluation.functional.semantic_measures`): prediction
    ``argmax`` over classes; for each frame and class the IoU and the F-beta
    (beta^2 = 0.3, precision = inter / pred, recall = inter / label, no
    threshold sweep) count only when the class appears in the prediction or
    the label; per class the average over those frames; ``mIoU`` and ``F``
    are means over **all** ``num_classes`` classes, a class that never
    appears contributing 0 (as the official code does).

    Background: class ``bg_index`` (0 in AVSBench-Semantic) is a class like
    the others in ``mIoU`` / ``F``; ``mIoU_noBg`` / ``F_noBg`` leave it out.
    The official ``miou_noBg`` drops the *last* class instead; set
    ``legacy_no_bg=True`` to also report that value as
    ``mIoU_noBg@legacy`` / ``F_noBg@legacy``.

    Padding: frames with ``valid=False`` (v1 clips padded to 10 frames) are
    excluded. The official test scores them with an all-background label;
    ``legacy_padding=True`` does the same (their label is taken as all
    ``bg_index`` whatever ``gt_sem_seg`` holds). Frames with
    ``labelled=False`` and pixels labelled ``ignore_index`` are not scored.

    Output keys: ``mIoU``, ``F``, ``mIoU_noBg``, ``F_noBg`` (fractions in
    [0, 1]); a per-class table is logged.

    Args:
        num_classes (int, optional): Number of classes including background.
            Defaults to ``len(dataset_meta['classes'])`` or, without dataset
            meta, the channels of the first logits seen.
        bg_index (int): The background class. Defaults to 0.
        ignore_index (int): Label of unscored pixels. Defaults to 255.
        beta2 (float): beta^2 of the F-measure. Defaults to 0.3.
        legacy_padding (bool): Score padding frames as the official code.
            Defaults to False.
        legacy_no_bg (bool): Also report the official ``miou_noBg``.
            Defaults to False.
        collect_device (str): 'cpu' or 'gpu'. Defaults to 'cpu'.
        prefix (str, optional): Prefix of the output keys.
        collect_dir (str, optional): Directory for 'cpu' collection.
    """

    def __init__(self,
                 num_classes: Optional[int] = None,
                 bg_index: int = 0,
                 ignore_index: int = 255,
                 beta2: float = BETA2,
                 legacy_padding: bool = False,
                 legacy_no_bg: bool = False,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None,
                 collect_dir: Optional[str] = None) -> None:
        super().__init__(
            collect_device=collect_device,
            prefix=prefix,
            collect_dir=collect_dir)
        if num_classes is not None and num_classes < 2:
            raise ValueError(f'num_classes must be >= 2, got {num_classes}')
        self._num_classes = num_classes
        self.bg_index = bg_index
        self.ignore_index = ignore_index
        self.beta2 = beta2
        self.legacy_padding = legacy_padding
        self.legacy_no_bg = legacy_no_bg

    @property
    def num_classes(self) -> Optional[int]:
        """Number of classes: the argument, else the dataset meta."""
        if self._num_classes is not None:
            return self._num_classes
        meta = self.dataset_meta or {}
        if meta.get('classes'):
            return len(meta['classes'])
        return None

    def _read_frame(self, sample: dict) -> Optional[Tuple[Tensor, Tensor]]:
        """Logits and label of a scored frame (a padding frame too with
        ``legacy_padding``), None for another. Without ``num_classes`` from
        the argument or the dataset meta, the first frame read sets it."""
        num_classes = self.num_classes
        if is_scored(sample):
            frame = frame_logits_and_label(sample, num_classes)
        elif self.legacy_padding and not bool(sample.get('valid', True)):
            frame = self._padding_frame(sample, num_classes)
        else:
            return None
        if num_classes is None:
            self._num_classes = frame[0].shape[0]
        return frame

    def _padding_frame(self, sample: dict,
                       num_classes: Optional[int]) -> Tuple[Tensor, Tensor]:
        # Legacy: a padding frame is scored with an all-background label.
        logits = pixel_data(sample, 'seg_logits')
        if logits.dim() != 3 or (num_classes is not None
                                 and logits.shape[0] != num_classes):
            raise ValueError(
                f'{describe_sample(sample)}: seg_logits must be [C, H, W] '
                f'with C = {num_classes}, got shape {tuple(logits.shape)}')
        label = torch.full(
            logits.shape[-2:],
            self.bg_index,
            dtype=torch.long,
            device=logits.device)
        return logits, label

    def _group_stats(self, logits: Tensor, labels: Tensor,
                     samples: Sequence[dict]) -> Dict[str, Tensor]:
        check_finite(logits, samples)
        check_labels(labels, self.num_classes, self.ignore_index, samples)
        stats = semantic_frame_stats(logits, labels, self.ignore_index)
        return {k: v.int().cpu() for k, v in stats.items()}

    def _empty_stats(self) -> Dict[str, Tensor]:
        empty = torch.zeros(0, self.num_classes or 0, dtype=torch.int32)
        return dict(inter=empty, pred=empty, label=empty)

    def _clip_result(self, clip: Sequence[dict], num_clips: int) -> dict:
        return dict(clip_id=clip_field(clip, 'clip_id', None))

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """Compute mIoU / F from the collected per-clip results.

        Args:
            results (list): One dict per clip, from :meth:`process`.

        Returns:
            dict[str, float]: ``mIoU``, ``F``, ``mIoU_noBg``, ``F_noBg`` (and
            the legacy no-background values when requested).
        """
        widths = {
            r['stats']['inter'].shape[1]
            for r in results if r['stats']['inter'].shape[0]
        }
        if len(widths) > 1:
            raise ValueError(f'results hold different class counts {widths}')
        if not widths:
            raise ValueError('AVSSMetric: no scored frame was processed')
        stats: Dict[str, Tensor] = {
            k:
            torch.cat([
                r['stats'][k].long() for r in results if r['stats'][k].shape[0]
            ])
            for k in ('inter', 'pred', 'label')
        }
        s = semantic_scores(stats, self.bg_index, self.beta2)
        metrics = OrderedDict()
        for key in ('mIoU', 'F', 'mIoU_noBg', 'F_noBg'):
            metrics[key] = float(s[key])
        if self.legacy_no_bg:
            metrics['mIoU_noBg@legacy'] = float(s['mIoU_noBg_legacy'])
            metrics['F_noBg@legacy'] = float(s['F_noBg_legacy'])
        self._log_classes(s)
        return dict(metrics)

    def _log_classes(self, s: Dict[str, Tensor]) -> None:
        num_classes = s['iou_pc'].numel()
        names = list((self.dataset_meta or {}).get('classes') or [])
        if len(names) != num_classes:
            names = [str(i) for i in range(num_classes)]
        table = PrettyTable()
        table.field_names = ['class', 'frames', 'IoU', 'F']
        for i in range(num_classes):
            table.add_row([
                names[i],
                int(s['count'][i]), f"{float(s['iou_pc'][i]):.4f}",
                f"{float(s['fscore_pc'][i]):.4f}"
            ])
        absent = int((s['count'] == 0).sum())
        print_log(
            'per-class results (classes never present count as 0 in the '
            f'means; {absent} of {num_classes} absent):\n' +
            table.get_string(),
            logger='current')
