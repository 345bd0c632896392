# Copyright (c) mmavs contributors. All rights reserved.
"""Pixel confusion matrix of AVSS predictions (PNG and CSV).

``PREDS`` is the file ``tools/test.py CONFIG CKPT --out PREDS`` writes for a
semantic (AVSS) model. Every scored pixel (frames with ``valid`` and
``labelled``, labels other than ``--ignore-index``) counts once: row = its
ground-truth class, column = the predicted class (``argmax`` of the
logits, as ``AVSSMetric`` predicts). The CSV holds the counts; the PNG shows
each row normalised to the fraction of that class's pixels (``--show-classes``
keeps the classes with the most ground-truth pixels).

Example::

    python tools/analysis_tools/confusion_matrix.py preds.pkl out_dir \\
        --config configs/tpavi/tpavi_pvt-v2-b5_1xb4-60e_avss-224x224.py
"""
import argparse
import csv
import os
import os.path as osp
from typing import List, Optional, Sequence

import torch

from mmavs.evaluation.functional.frame_records import (frame_logits_and_label,
                                                       is_scored)
from mmavs.evaluation.metrics.dump_av_results import load_av_results


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Confusion matrix of AVSS predictions (tools/test.py '
        '--out)')
    parser.add_argument('preds', help='predictions file')
    parser.add_argument('out_dir', help='where to write the PNG and CSV')
    parser.add_argument(
        '--config', help='config whose test dataset names the classes')
    parser.add_argument(
        '--show-classes',
        type=int,
        default=30,
        help='classes shown in the PNG (most ground-truth pixels first)')
    parser.add_argument(
        '--ignore-index', type=int, default=255, help='unscored label')
    return parser.parse_args(argv)


def confusion_matrix(results: Sequence[dict],
                     ignore_index: int = 255) -> torch.Tensor:
    """int64 ``[C, C]`` counts: rows ground truth, columns prediction."""
    matrix = None
    for clip in results:
        for frame in clip['frames']:
            if not is_scored(frame):
                continue
            logits, label = frame_logits_and_label(frame)
            c = logits.shape[0]
            if c < 2:
                raise ValueError('confusion_matrix needs semantic '
                                 f'predictions (C > 1 channels), got {c}')
            if matrix is None:
                matrix = torch.zeros(c, c, dtype=torch.long)
            elif matrix.shape[0] != c:
                raise ValueError(f'clip {clip.get("clip_id")!r} has {c} '
                                 f'classes, earlier clips {matrix.shape[0]}')
            keep = label != ignore_index
            gt = label[keep]
            if bool(((gt < 0) | (gt >= c)).any()):
                raise ValueError(f'clip {clip.get("clip_id")!r}: labels '
                                 f'outside [0, {c - 1}]')
            pred = logits.argmax(0)[keep]
            matrix += torch.bincount(gt * c + pred, minlength=c * c).view(c, c)
    if matrix is None:
        raise ValueError('no scored frame in the predictions')
    return matrix


def class_names(config: Optional[str], num_classes: int) -> List[str]:
    """Class names from the config's test dataset, else their indices."""
    if config is None:
        return [str(i) for i in range(num_classes)]
    from mmavs.registry import DATASETS
    from mmavs.utils import load_config, register_all_modules
    register_all_modules()
    dataset = load_config(config).test_dataloader.dataset
    meta = dataset.get('metainfo') or {}
    names = meta.get('classes') or DATASETS.get(
        dataset.type).METAINFO.get('classes')
    if not names or len(names) != num_classes:
        raise ValueError(f'{config}: the test dataset has '
                         f'{len(names or [])} classes, the predictions '
                         f'{num_classes}')
    return list(names)


def save(matrix: torch.Tensor, names: Sequence[str], out_dir: str,
         show: int) -> None:
    """Write ``confusion_matrix.csv`` (counts) and ``.png`` (row share)."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    os.makedirs(out_dir, exist_ok=True)
    with open(osp.join(out_dir, 'confusion_matrix.csv'), 'w', newline='') as f:
        writer = csv.writer(f)
        writer.writerow(['gt \\ pred'] + list(names))
        for name, row in zip(names, matrix.tolist()):
            writer.writerow([name] + row)
    order = torch.argsort(matrix.sum(1), descending=True, stable=True)
    order = order[:show].sort().values
    sub = matrix[order][:, order].double()
    share = sub / matrix[order].sum(1, keepdim=True).clamp(min=1).double()
    labels = [names[i] for i in order.tolist()]
    size = max(4, 0.35 * len(labels) + 2)
    fig, ax = plt.subplots(figsize=(size, size))
    image = ax.imshow(share.numpy(), cmap='Blues', vmin=0, vmax=1)
    ax.set_xticks(range(len(labels)), labels, rotation=90)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel('predicted')
    ax.set_ylabel('ground truth')
    fig.colorbar(image, ax=ax, fraction=0.046, label='share of the row')
    fig.tight_layout()
    fig.savefig(osp.join(out_dir, 'confusion_matrix.png'), dpi=100)
    plt.close(fig)


def main(argv=None) -> None:
    args = parse_args(argv)
    matrix = confusion_matrix(load_av_results(args.preds), args.ignore_index)
    names = class_names(args.config, matrix.shape[0])
    save(matrix, names, args.out_dir, args.show_classes)
    total = int(matrix.sum())
    print(f'{total} scored pixels, {matrix.shape[0]} classes, pixel '
          f'accuracy {int(matrix.diagonal().sum()) / total:.4f}')
    print(f'saved {osp.join(args.out_dir, "confusion_matrix.csv")} and '
          f'{osp.join(args.out_dir, "confusion_matrix.png")}')


if __name__ == '__main__':
    main()
