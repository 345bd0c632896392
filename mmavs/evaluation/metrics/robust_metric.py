# Copyright (c) mmavs contributors. All rights reserved.
"""AVSBench-Robust metric: AVS scores per audio condition and global
positive/negative scores."""
import logging
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Sequence

import torch
from mmengine.logging import print_log
from prettytable import PrettyTable

from mmavs.registry import METRICS
from ..functional.binary_measures import BETA2, NUM_THRESHOLDS, binary_scores
from ..functional.frame_records import (concat_stats, describe_sample,
                                        select_stats)
from ..functional.robust_measures import harmonic_global
from .avs_metric import AVSMetric

STANDARD_NEGATIVES = ('silence', 'noise', 'offscreen')


@METRICS.register_module()
class RobustAVSMetric(AVSMetric):
    """mIoU, F and FPR per audio condition plus G-mIoU, G-F and G-FPR.

    Every frame is scored against the visual object's ground-truth mask (the
    original mask, also under negative audio). Per audio condition
    (``audio_condition`` metainfo: 'positive', 'silence', 'noise',
    'offscreen' and any extra such as 'unseen'):

    * ``mIoU`` and ``F``: the AVSBench J and F of :class:`AVSMetric`, pooled
      with ``mode`` ('frame' by default: all frames of the condition as one
      batch, independent of the batch size; 'avsbench' averages over
      batches of ``batch_size`` consecutive clips of the condition, as the
      official robust test runs each condition separately with the
      AVSBench ``mask_iou`` / ``Eval_Fmeasure``; 'dataset' accumulates
      counts);
    * ``FPR``: the fraction of pixels predicted foreground
      (``sigmoid > 0.5``), mean over frames (mean over batch means in
      'avsbench' mode, the official ``calculate_FPR`` with its AverageMeter;
      pooled pixels in 'dataset' mode).

    Global metrics (the official repository aggregates them by hand):
    ``G-mIoU = 2 mIoU_P (1 - mIoU_N) / (mIoU_P + 1 - mIoU_N)`` and likewise
    ``G-F``, with ``mIoU_N`` / ``F_N`` the mean over the negative
    conditions in ``global_negatives`` that occur; ``G-FPR`` is FPR over all
    frames of those conditions together. Extra conditions (e.g. 'unseen')
    are reported per condition but not in the global metrics unless listed.

    Output keys: ``<condition>/mIoU@<mode>``, ``<condition>/F@<mode>``,
    ``<condition>/FPR@<mode>`` and ``G-mIoU@<mode>``, ``G-F@<mode>``,
    ``G-FPR@<mode>`` (fractions in [0, 1]). A table laid out like the
    paper's (mIoU / F in percent, FPR as a fraction) is logged.

    Args:
        mode (str): 'frame', 'avsbench' or 'dataset'. Defaults to 'frame'.
        batch_size (int, optional): Clips per batch for 'avsbench'.
        positive_condition (str): Name of the positive condition.
        global_negatives (Sequence[str], optional): Negative conditions of
            the global metrics; None uses every non-positive condition.
            Defaults to ('silence', 'noise', 'offscreen').
        ignore_index (int): Label of unscored pixels. Defaults to 255.
        beta2 (float): beta^2 of the F-measure. Defaults to 0.3.
        num_thresholds (int): Number of F thresholds. Defaults to 255.
        collect_device (str): 'cpu' or 'gpu'. Defaults to 'cpu'.
        prefix (str, optional): Prefix of the output keys.
        collect_dir (str, optional): Directory for 'cpu' collection.
    """

    def __init__(self,
                 mode: str = 'frame',
                 batch_size: Optional[int] = None,
                 positive_condition: str = 'positive',
                 global_negatives: Optional[
                     Sequence[str]] = STANDARD_NEGATIVES,
                 ignore_index: int = 255,
                 beta2: float = BETA2,
                 num_thresholds: int = NUM_THRESHOLDS,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None,
                 collect_dir: Optional[str] = None) -> None:
        super().__init__(
            mode=mode,
            batch_size=batch_size,
            ignore_index=ignore_index,
            beta2=beta2,
            num_thresholds=num_thresholds,
            category_table=False,
            collect_device=collect_device,
            prefix=prefix,
            collect_dir=collect_dir)
        self.positive_condition = positive_condition
        if global_negatives is not None:
            global_negatives = tuple(global_negatives)
            if positive_condition in global_negatives:
                raise ValueError(f'{positive_condition!r} cannot be both the '
                                 'positive and a negative condition')
        self.global_negatives = global_negatives

    def clip_meta(self, clip: Sequence[dict]) -> Dict[str, Any]:
        """Metainfo kept for a clip; ``audio_condition`` is required.

        Args:
            clip (Sequence[dict]): The frame samples of one clip.

        Returns:
            dict: ``clip_id``, ``category`` and ``audio_condition``.
        """
        meta = super().clip_meta(clip)
        condition = meta['audio_condition']
        if not isinstance(condition, str) or not condition:
            raise KeyError(
                f'{describe_sample(clip[0])}: RobustAVSMetric needs the '
                "'audio_condition' metainfo (e.g. 'positive', 'silence', "
                f"'noise', 'offscreen'), got {condition!r}")
        return meta

    def _ordered_conditions(self, present: Sequence[str]) -> List[str]:
        known = [self.positive_condition] + list(self.global_negatives
                                                 or STANDARD_NEGATIVES)
        ordered = [c for c in known if c in present]
        ordered += sorted(c for c in set(present) if c not in ordered)
        return ordered

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """Compute per-condition and global metrics.

        Args:
            results (list): One dict per clip, from :meth:`process`.

        Returns:
            dict[str, float]: The metrics described in the class docstring.
        """
        mode = self.mode
        stats = concat_stats([r['stats'] for r in results])
        clip_conditions = [r['audio_condition'] for r in results]
        conditions = self.frame_values(results, 'audio_condition')
        batch = None
        if mode == 'avsbench':
            batch = self.frame_batches(results, clip_conditions)
        cond_t = {
            c: torch.tensor([x == c for x in conditions], dtype=torch.bool)
            for c in set(conditions)
        }

        def score(sel: torch.Tensor) -> Dict[str, float]:
            return binary_scores(
                select_stats(stats, sel), mode,
                None if batch is None else batch[sel], self.beta2)

        metrics: Dict[str, float] = OrderedDict()
        per_cond = OrderedDict()
        for cond in self._ordered_conditions(list(cond_t)):
            s = score(cond_t[cond])
            per_cond[cond] = s
            metrics[f'{cond}/mIoU@{mode}'] = s['J']
            metrics[f'{cond}/F@{mode}'] = s['F']
            metrics[f'{cond}/FPR@{mode}'] = s['FPR']

        negatives = [
            c for c in per_cond if c != self.positive_condition and (
                self.global_negatives is None or c in self.global_negatives)
        ]
        missing = [
            c for c in (self.global_negatives or ()) if c not in per_cond
        ]
        if self.positive_condition not in per_cond or not negatives:
            print_log(
                'RobustAVSMetric: global metrics need the positive condition '
                f'{self.positive_condition!r} and at least one negative '
                f'condition; found {list(per_cond)}',
                logger='current',
                level=logging.WARNING)
        else:
            if missing:
                print_log(
                    f'RobustAVSMetric: negative conditions {missing} are '
                    'absent; global metrics use '
                    f'{negatives}',
                    logger='current',
                    level=logging.WARNING)
            pos = per_cond[self.positive_condition]
            metrics[f'G-mIoU@{mode}'] = harmonic_global(
                pos['J'], [per_cond[c]['J'] for c in negatives])
            metrics[f'G-F@{mode}'] = harmonic_global(
                pos['F'], [per_cond[c]['F'] for c in negatives])
            neg_sel = torch.zeros(len(conditions), dtype=torch.bool)
            for c in negatives:
                neg_sel |= cond_t[c]
            metrics[f'G-FPR@{mode}'] = score(neg_sel)['FPR']
        self._log_table(metrics, per_cond)
        return dict(metrics)

    def _log_table(self, metrics: Dict[str, float],
                   per_cond: Dict[str, Dict[str, float]]) -> None:
        mode = self.mode
        header, row = [], []
        for cond, s in per_cond.items():
            header += [f'{cond} mIoU', f'{cond} F']
            row += [f"{100 * s['J']:.1f}", f"{100 * s['F']:.1f}"]
            if cond != self.positive_condition:
                header.append(f'{cond} FPR')
                row.append(f"{s['FPR']:.3f}")
        for name, scale, fmt in (('G-mIoU', 100, '.3f'), ('G-F', 100, '.3f'),
                                 ('G-FPR', 1, '.3f')):
            key = f'{name}@{mode}'
            if key in metrics:
                header.append(name)
                row.append(format(scale * metrics[key], fmt))
        table = PrettyTable()
        table.field_names = header
        table.add_row(row)
        frames = ', '.join(f"{c}: {s['num_frames']}"
                           for c, s in per_cond.items())
        print_log(
            f'AVSBench-Robust results ({mode} mode; frames {frames}):\n' +
            table.get_string(),
            logger='current')
