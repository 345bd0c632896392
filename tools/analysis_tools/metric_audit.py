# Copyright (c) mmavs contributors. All rights reserved.
"""Re-score one predictions file under every published J / F convention.

``python tools/analysis_tools/metric_audit.py PREDS [--batch-sizes 1 2 4 8 16]``

``PREDS`` is the file ``tools/test.py CONFIG CKPT --out PREDS`` writes (the
logits, ground truth and metainfo of every frame, and the size of the
evaluation batch each clip came in). The tool prints one table; each row is
one convention and names the repository whose evaluation code (or issue) it
reproduces. Binary tasks (S4, MS3, VPO, SynthAVS; one logit channel):

* the official AVSBench test scripts: J and F computed per evaluation batch
  and averaged over batches, with the batches of the test run and with 1, 2,
  4, 8 and 16 clips per batch (F, and through a short last batch J, depend
  on the batch size);
* per frame (all frames as one batch): frames with an empty ground truth in
  J (``TN / (H * W)``) and out of F (the official rule), or in both;
* pooled over the dataset: ``sum(inter) / sum(union)``, and F from pooled
  counts, maximised over the thresholds or at 0.5.

Semantic tasks (AVSS; one channel per class): the official AVSS rules
(padding frames scored as background, ``noBg`` dropping the last class),
the corrected ones (padding excluded, ``noBg`` dropping the background),
and per-class areas pooled over the dataset.

All scores come from ``AVSMetric`` / ``AVSSMetric`` and
``mmavs.evaluation.functional``; the per-batch rows are ``AVSMetric(mode=
'avsbench', batch_size=b)``, the per-frame row ``mode='frame'`` and the
pooled row ``mode='dataset'`` on the same per-frame counts.
"""
import argparse
import json
import logging
from collections import OrderedDict
from typing import Dict, List, Sequence

from mmengine.logging import MMLogger
from prettytable import PrettyTable

from mmavs.evaluation.functional import (binary_scores, concat_stats,
                                         pooled_fbeta, pooled_semantic_scores)
from mmavs.evaluation.functional.frame_records import (describe_sample,
                                                       pixel_data)
from mmavs.evaluation.metrics import AVSMetric, AVSSMetric
from mmavs.evaluation.metrics.dump_av_results import load_av_results

AVSBENCH = ('OpenNLPLab/AVSBench test.py: per-batch mean of mask_iou and '
            'per-batch max of Eval_Fmeasure, mean over batches')
COMBO = ('OpenNLPLab/AVSBench per-batch rule at this batch size; '
         'yannqi/COMBO-AVS #7: F depends on it (COMBO tests with 8 clips, '
         'AVSegFormer with 2)')
ISSUE22 = ('OpenNLPLab/AVSBench #22: all-black ground truth counted in J '
           '(TN / HW), dropped from F')
ISSUE22_IN = ('OpenNLPLab/AVSBench #22: the black ground truths kept in F '
              '(official F curve of such a frame: 0)')
CAVP6 = ('cyh-0/CAVP #6: intersections and unions pooled over the dataset; '
         'F max over thresholds of pooled counts')
CAVP6_05 = ('cyh-0/CAVP #6 (utils/eval_utils.py ForegroundDetect): F_0.3 '
            'from pooled TP/FP/FN at 0.5')
AVSS_LEGACY = ('OpenNLPLab/AVSBench avss/test.py: padding frames scored as '
               'background; cyh-0/CAVP #11: AVSS scores hinge on such flags')
AVSS_LEGACY_NOBG = ('OpenNLPLab/AVSBench avss miou_noBg: drops the last '
                    'class, not the background')
AVSS_CORRECTED = 'mmavs AVSSMetric: padding frames excluded'
AVSS_CORRECTED_NOBG = 'mmavs AVSSMetric: background (class 0) excluded'
CAVP6_AVSS = ('cyh-0/CAVP #6 (utils/eval_utils.py MIoU): per-class areas '
              'pooled over the dataset, padding excluded')


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Re-score a predictions file (tools/test.py --out) '
        'under the J / F conventions of the public AVS repositories')
    parser.add_argument(
        'preds', help='predictions file of tools/test.py '
        '--out')
    parser.add_argument(
        '--batch-sizes',
        type=int,
        nargs='+',
        default=[1, 2, 4, 8, 16],
        help='clips per batch of the official per-batch rule')
    parser.add_argument(
        '--ignore-index', type=int, default=255, help='unscored label')
    parser.add_argument(
        '--bg-index', type=int, default=0, help='AVSS background class')
    parser.add_argument('--json', help='also write the rows to this file')
    return parser.parse_args(argv)


def _row(convention: str, j: float, f: float, source: str) -> dict:
    return OrderedDict(
        convention=convention, J=j, F=f, JF=(j + f) / 2, source=source)


def _num_channels(results: Sequence[dict]) -> int:
    channels = set()
    for clip in results:
        for frame in clip['frames']:
            logits = pixel_data(frame, 'seg_logits')
            channels.add(1 if logits.dim() == 2 else int(logits.shape[0]))
            if len(channels) > 1:
                raise ValueError(
                    f'{describe_sample(frame)}: seg_logits has '
                    f'{sorted(channels)} channels across frames; one file '
                    'must hold one task')
    return channels.pop()


def binary_rows(results: Sequence[dict],
                batch_sizes: Sequence[int],
                ignore_index: int = 255) -> List[dict]:
    """The binary conventions (see the module docstring).

    Args:
        results (Sequence[dict]): Clips of a predictions file.
        batch_sizes (Sequence[int]): Clips per batch of the per-batch rows.
        ignore_index (int): Label of unscored pixels.

    Returns:
        list[dict]: Rows with ``convention``, ``J``, ``F``, ``JF``,
        ``source``.
    """
    opts = dict(
        ignore_index=ignore_index, category_table=False, breakdown_keys=())
    metric = AVSMetric(**opts)
    for clip in results:
        metric.process(None, clip['frames'])
        # the evaluation batch the clip came in (default: one clip)
        metric.results[-1]['batch_clips'] = int(clip.get('batch_clips', 1))
    clips = metric.results

    def scores(mode: str, batch_size=None) -> Dict[str, float]:
        out = AVSMetric(
            mode=mode, batch_size=batch_size, **opts).compute_metrics(clips)
        return out[f'J@{mode}'], out[f'F@{mode}']

    tested = max(r['batch_clips'] for r in clips)
    rows = [
        _row(f'per batch, {tested} clip(s) as tested', *scores('avsbench'),
             AVSBENCH)
    ]
    for size in batch_sizes:
        rows.append(
            _row(f'per batch, {size} clip(s)', *scores('avsbench', size),
                 COMBO))
    rows.append(
        _row('per frame, empty GT in J, out of F', *scores('frame'), ISSUE22))
    stats = concat_stats([r['stats'] for r in clips])
    inside = binary_scores(stats, 'frame', empty_gt_in_f=True)
    rows.append(
        _row('per frame, empty GT in J and in F', inside['J'], inside['F'],
             ISSUE22_IN))
    j_pooled, f_pooled = scores('dataset')
    rows.append(
        _row('pooled over the dataset (F: best threshold)', j_pooled, f_pooled,
             CAVP6))
    rows.append(
        _row('pooled over the dataset (F: at 0.5)', j_pooled,
             pooled_fbeta(stats), CAVP6_05))
    return rows


def semantic_rows(results: Sequence[dict],
                  ignore_index: int = 255,
                  bg_index: int = 0) -> List[dict]:
    """The AVSS conventions: official (legacy), corrected, pooled.

    Args:
        results (Sequence[dict]): Clips of a predictions file.
        ignore_index (int): Label of unscored pixels.
        bg_index (int): The background class.

    Returns:
        list[dict]: Rows with ``convention``, ``J`` (mIoU), ``F``, ``JF``,
        ``source``.
    """
    opts = dict(ignore_index=ignore_index, bg_index=bg_index)
    legacy = AVSSMetric(legacy_padding=True, legacy_no_bg=True, **opts)
    corrected = AVSSMetric(**opts)
    for clip in results:
        legacy.process(None, clip['frames'])
        corrected.process(None, clip['frames'])
    logger = MMLogger.get_current_instance()
    level = logger.level
    logger.setLevel(logging.WARNING)  # AVSSMetric's per-class tables
    try:
        old = legacy.compute_metrics(legacy.results)
        new = corrected.compute_metrics(corrected.results)
    finally:
        logger.setLevel(level)
    stats = {
        k: concat_stats([{
            k: r['stats'][k].long()
        } for r in corrected.results])[k]
        for k in ('inter', 'pred', 'label')
    }
    pooled = pooled_semantic_scores(stats)
    return [
        _row('AVSS legacy: all classes, padding scored', old['mIoU'], old['F'],
             AVSS_LEGACY),
        _row('AVSS legacy noBg (last class dropped)', old['mIoU_noBg@legacy'],
             old['F_noBg@legacy'], AVSS_LEGACY_NOBG),
        _row('AVSS corrected: all classes, padding excluded', new['mIoU'],
             new['F'], AVSS_CORRECTED),
        _row('AVSS corrected noBg (background dropped)', new['mIoU_noBg'],
             new['F_noBg'], AVSS_CORRECTED_NOBG),
        _row('AVSS pooled over the dataset', float(pooled['mIoU']),
             float(pooled['F']), CAVP6_AVSS),
    ]


def audit(results: Sequence[dict],
          batch_sizes: Sequence[int] = (1, 2, 4, 8, 16),
          ignore_index: int = 255,
          bg_index: int = 0) -> List[dict]:
    """All rows for a predictions file (binary or semantic by channels)."""
    if _num_channels(results) == 1:
        return binary_rows(results, batch_sizes, ignore_index)
    return semantic_rows(results, ignore_index, bg_index)


def format_table(rows: Sequence[dict], semantic: bool = False) -> str:
    """The rows as a text table (values in %)."""
    table = PrettyTable()
    j = 'mIoU' if semantic else 'J'
    table.field_names = ['convention', j, 'F', f'{j}&F', 'reproduces']
    for row in rows:
        table.add_row([
            row['convention'], f"{100 * row['J']:.2f}",
            f"{100 * row['F']:.2f}", f"{100 * row['JF']:.2f}", row['source']
        ])
    table.align = 'l'
    return table.get_string()


def main(argv=None) -> None:
    args = parse_args(argv)
    if any(b < 1 for b in args.batch_sizes):
        raise ValueError(f'--batch-sizes must be >= 1, got '
                         f'{args.batch_sizes}')
    results = load_av_results(args.preds)
    semantic = _num_channels(results) > 1
    rows = audit(results, args.batch_sizes, args.ignore_index, args.bg_index)
    frames = sum(len(c['frames']) for c in results)
    print(f'{args.preds}: {len(results)} clips, {frames} frames, '
          f"{'semantic' if semantic else 'binary'} predictions")
    print(format_table(rows, semantic))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(rows, f, indent=2)


if __name__ == '__main__':
    main()
