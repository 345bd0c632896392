# Copyright (c) mmavs contributors. All rights reserved.
"""AVSBench J / F metric for binary audio-visual segmentation."""
import logging
from collections import OrderedDict
from typing import Any, Dict, Hashable, List, Optional, Sequence, Tuple

import numpy as np
import torch
from mmengine.logging import print_log
from prettytable import PrettyTable
from torch import Tensor

from mmavs.registry import METRICS
from ..functional.binary_measures import (BETA2, MODES, NUM_THRESHOLDS,
                                          binary_frame_stats, binary_scores)
from ..functional.frame_records import (check_finite, check_labels, clip_field,
                                        concat_stats, describe_sample,
                                        first_bad, frame_logits_and_label,
                                        is_scored, select_stats)
from .base_clip_metric import BaseClipMetric


@METRICS.register_module()
class AVSMetric(BaseClipMetric):
    """J (mask IoU), F (max F-beta) and J&F of binary AVS (S4, MS3, VPO).

    Definitions follow the official AVSBench code (see
    :mod:`mmavs.evaluation.functional.binary_measures` for the exact facts):
    J is the per-frame IoU of ``sigmoid(logit) > 0.5`` with the ground truth,
    a frame with an empty ground truth scoring ``TN / (H * W)``; F is the
    maximum over 255 thresholds ``linspace(0, 1 - 1e-10, 255)`` of the
    F-beta (beta^2 = 0.3) curve averaged over frames with a non-empty ground
    truth (``prob >= threshold`` is foreground, ``1e-20`` in the precision
    and recall denominators, NaN -> 0); J&F is their mean.

    ``mode`` chooses how frames are pooled:

    * ``'frame'`` (default): all frames of the split as one batch; the value
      does not depend on the evaluation batch size.
    * ``'avsbench'``: the official test scripts, which average J and the
      per-batch maximum of F over evaluation batches (F therefore depends on
      the batch size). Batches are rebuilt from the collected clips in
      dataset order: ``batch_size`` consecutive clips (default: the largest
      number of clips seen in one ``process()`` call), which equals "one
      ``process()`` call = one batch" for an unshuffled single-process
      loader, and gives the same number for any number of processes.
    * ``'dataset'``: intersections and unions (and the per-threshold
      true-positive / predicted / ground-truth counts of F) accumulated over
      the split, as CAVP reports.

    Output keys carry the mode: ``J@<mode>``, ``F@<mode>``, ``J&F@<mode>``
    (e.g. ``J@frame``), values are fractions in [0, 1]. A per-category
    table (``category`` metainfo, frame formulas within a category in the
    'frame' and 'avsbench' modes) is printed with mmengine's logger.

    Scored frames are those with ``valid`` (padding frames are excluded;
    missing means True) and ``labelled`` (missing means True); pixels
    labelled ``ignore_index`` are not scored. Each ``process()`` call
    reduces frames to per-frame counts (no masks are kept) and stores one
    result per clip, so mmengine's ``collect_results`` ordering and padding
    removal work per dataset item (see :class:`BaseClipMetric`).

    Args:
        mode (str): 'frame', 'avsbench' or 'dataset'. Defaults to 'frame'.
        batch_size (int, optional): Clips per evaluation batch for
            ``mode='avsbench'``. Defaults to None (inferred).
        ignore_index (int): Label of unscored pixels. Defaults to 255.
        beta2 (float): beta^2 of the F-measure. Defaults to 0.3.
        num_thresholds (int): Number of F thresholds. Defaults to 255.
        category_table (bool): Whether to log a breakdown table per key of
            ``breakdown_keys``. Defaults to True.
        breakdown_keys (Sequence[str]): Clip metainfo keys to break the
            results down by (frame formulas within each group). Defaults to
            ``('category',)``; SynthAVS configs add ``'case'``.
        breakdown_metrics (bool): Also return the breakdown as metrics,
            ``{key}/{value}/J@{mode}`` and ``.../F@{mode}``. Defaults to
            False.
        collect_device (str): 'cpu' or 'gpu'. Defaults to 'cpu'.
        prefix (str, optional): Prefix of the output keys.
        collect_dir (str, optional): Directory for 'cpu' collection.
    """

    def __init__(self,
                 mode: str = 'frame',
                 batch_size: Optional[int] = None,
                 ignore_index: int = 255,
                 beta2: float = BETA2,
                 num_thresholds: int = NUM_THRESHOLDS,
                 category_table: bool = True,
                 breakdown_keys: Sequence[str] = ('category', ),
                 breakdown_metrics: bool = False,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None,
                 collect_dir: Optional[str] = None) -> None:
        super().__init__(
            collect_device=collect_device,
            prefix=prefix,
            collect_dir=collect_dir)
        if mode not in MODES:
            raise ValueError(f'mode must be one of {MODES}, got {mode!r}')
        if batch_size is not None and batch_size < 1:
            raise ValueError(f'batch_size must be >= 1, got {batch_size}')
        self.mode = mode
        self.batch_size = batch_size
        self.ignore_index = ignore_index
        self.beta2 = beta2
        self.num_thresholds = num_thresholds
        self.category_table = category_table
        self.breakdown_keys = tuple(breakdown_keys)
        self.breakdown_metrics = breakdown_metrics

    # ------------------------------------------------------------------
    # process
    # ------------------------------------------------------------------
    def clip_meta(self, clip: Sequence[dict]) -> Dict[str, Any]:
        """Metainfo kept for a clip.

        Args:
            clip (Sequence[dict]): The frame samples of one clip.

        Returns:
            dict: ``clip_id``, ``category``, ``audio_condition`` and the
            ``breakdown_keys``.
        """
        meta = dict(
            clip_id=clip_field(clip, 'clip_id', None),
            category=clip_field(clip, 'category', ''),
            audio_condition=clip_field(clip, 'audio_condition', None))
        for key in self.breakdown_keys:
            meta.setdefault(key, clip_field(clip, key, ''))
        return meta

    def _read_frame(self, sample: dict) -> Optional[Tuple[Tensor, Tensor]]:
        if not is_scored(sample):
            return None
        return frame_logits_and_label(sample, 1)

    def _group_stats(self, logits: Tensor, labels: Tensor,
                     samples: Sequence[dict]) -> Dict[str, Tensor]:
        check_finite(logits, samples)
        check_labels(labels, 2, self.ignore_index, samples)
        stats = binary_frame_stats(logits, labels, self.ignore_index,
                                   self.num_thresholds)
        bad = first_bad(stats['num_pixels'] == 0)
        if bad >= 0:
            raise ValueError(
                f'{describe_sample(samples[bad])}: the frame is scored '
                '(valid and labelled) but every pixel of gt_sem_seg is the '
                f'ignore index {self.ignore_index}; mark it labelled=False '
                'or valid=False')
        return {k: v.cpu() for k, v in stats.items()}

    def _clip_result(self, clip: Sequence[dict], num_clips: int) -> dict:
        result = self.clip_meta(clip)
        result['batch_clips'] = num_clips
        return result

    def _empty_stats(self) -> Dict[str, Tensor]:
        empty = torch.zeros(0, dtype=torch.long)
        hist = torch.zeros(0, self.num_thresholds + 1, dtype=torch.int32)
        return dict(
            num_pixels=empty,
            gt_fg=empty,
            pred_fg=empty,
            inter=empty,
            union=empty,
            hist_fg=hist,
            hist_all=hist)

    # ------------------------------------------------------------------
    # compute
    # ------------------------------------------------------------------
    def resolve_batch_size(self, results: Sequence[dict]) -> int:
        """Clips per batch for ``mode='avsbench'``.

        Args:
            results (Sequence[dict]): The collected per-clip results.

        Returns:
            int: ``batch_size`` if given, else the largest number of clips
            seen in one ``process()`` call.
        """
        if self.batch_size is not None:
            return self.batch_size
        return max((r['batch_clips'] for r in results), default=1)

    def frame_batches(self,
                      results: Sequence[dict],
                      groups: Optional[Sequence[Hashable]] = None) -> Tensor:
        """Batch index of every scored frame for ``mode='avsbench'``.

        Clips are cut into batches of :meth:`resolve_batch_size` consecutive
        clips (within each group, e.g. an audio condition, when ``groups``
        is given), in the collected (dataset) order.

        Args:
            results (Sequence[dict]): The collected per-clip results.
            groups (Sequence[Hashable], optional): Group of every clip.

        Returns:
            Tensor: int64 batch index per scored frame.
        """
        size = self.resolve_batch_size(results)
        if groups is None:
            groups = [None] * len(results)
        seen: Dict[Hashable, int] = {}
        ids: Dict[Any, int] = {}
        clip_batch = []
        for group in groups:
            pos = seen.get(group, 0)
            seen[group] = pos + 1
            key = (group, pos // size)
            clip_batch.append(ids.setdefault(key, len(ids)))
        frames = torch.tensor(
            [int(r['stats']['num_pixels'].numel()) for r in results],
            dtype=torch.long)
        return torch.repeat_interleave(
            torch.tensor(clip_batch, dtype=torch.long), frames)

    @staticmethod
    def frame_values(results: Sequence[dict], key: str) -> List[Any]:
        """A clip field repeated for every scored frame of the clip."""
        out = []
        for r in results:
            out.extend([r[key]] * int(r['stats']['num_pixels'].numel()))
        return out

    def compute_metrics(self, results: list) -> Dict[str, float]:
        """Compute J, F and J&F from the collected per-clip results.

        Args:
            results (list): One dict per clip, from :meth:`process`.

        Returns:
            dict[str, float]: ``J@<mode>``, ``F@<mode>``, ``J&F@<mode>``.
        """
        stats = concat_stats([r['stats'] for r in results])
        batch = None
        if self.mode == 'avsbench':
            batch = self.frame_batches(results)
        scores = binary_scores(stats, self.mode, batch, self.beta2)
        if scores['num_frames'] == 0:
            print_log(
                f'{self.__class__.__name__}: no scored frame; J and F are 0',
                logger='current',
                level=logging.WARNING)
        mode = self.mode
        metrics = OrderedDict()
        metrics[f'J@{mode}'] = scores['J']
        metrics[f'F@{mode}'] = scores['F']
        metrics[f'J&F@{mode}'] = (scores['J'] + scores['F']) / 2
        for key in self.breakdown_keys:
            metrics.update(self._breakdown(results, stats, key))
        return dict(metrics)

    def _breakdown(self, results: Sequence[dict], stats: Dict[str, Tensor],
                   key: str) -> Dict[str, float]:
        """Scores per value of a clip metainfo ``key`` (logged/returned)."""
        values = [str(v or '') for v in self.frame_values(results, key)]
        names = sorted(set(values))
        if not values or names == ['']:
            return {}
        mode = 'frame' if self.mode == 'avsbench' else self.mode
        table = PrettyTable()
        table.field_names = [key, 'frames', f'J@{mode}', f'F@{mode}']
        out = {}
        values_arr = np.array(values)
        for name in names:
            sel = torch.from_numpy(values_arr == name)
            s = binary_scores(select_stats(stats, sel), mode, None, self.beta2)
            table.add_row([
                name or '(none)', s['num_frames'], f"{s['J']:.4f}",
                f"{s['F']:.4f}"
            ])
            if self.breakdown_metrics:
                out[f'{key}/{name or "(none)"}/J@{mode}'] = s['J']
                out[f'{key}/{name or "(none)"}/F@{mode}'] = s['F']
        if self.category_table:
            print_log(
                f'per-{key} results ({mode} formulas):\n' +
                table.get_string(),
                logger='current')
        return out
