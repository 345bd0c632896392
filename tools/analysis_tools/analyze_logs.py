# Copyright (c) mmavs contributors. All rights reserved.
"""Plot loss and metric curves from mmengine's JSON logs (PNG).

mmengine writes one JSON object per logged step to
``WORK_DIR/<timestamp>/vis_data/<timestamp>.json`` (training lines carry
``loss``, ``lr``, ...; validation lines carry the metrics, e.g.
``J@frame``); ``step`` is the iteration (or the epoch of a validation line
in epoch-based runs). Each key gets its own panel, each log one line.

Example::

    python tools/analysis_tools/analyze_logs.py \\
        work_dirs/demo/*/vis_data/*[0-9].json --keys loss J@frame F@frame \\
        --out curves.png
"""
import argparse
import json
import os.path as osp
from collections import OrderedDict
from typing import Dict, List, Sequence, Tuple

Series = Dict[str, Tuple[List[float], List[float]]]


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Plot curves of mmengine JSON logs to a PNG file')
    parser.add_argument('json_logs', nargs='+', help='JSON log files')
    parser.add_argument(
        '--keys',
        nargs='+',
        default=['loss'],
        help='keys to plot, one panel each (default: loss)')
    parser.add_argument(
        '--legend',
        nargs='+',
        help='one legend entry per log (default: the log file names)')
    parser.add_argument('--title', help='figure title')
    parser.add_argument(
        '--out', required=True, help='output image file (.png)')
    return parser.parse_args(argv)


def load_json_log(path: str) -> Series:
    """Every numeric key of a JSON log as ``(steps, values)``.

    Args:
        path (str): A JSON-lines log of mmengine.

    Returns:
        dict[str, tuple[list, list]]: Key -> steps and values, in file
        order.
    """
    series: Series = OrderedDict()
    with open(path) as f:
        for num, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError as err:
                raise ValueError(
                    f'{path}:{num}: not a JSON line ({err})') from None
            if 'step' not in entry:
                raise KeyError(f"{path}:{num}: the entry has no 'step'")
            for key, value in entry.items():
                if key == 'step' or isinstance(value, bool) or \
                        not isinstance(value, (int, float)):
                    continue
                steps, values = series.setdefault(key, ([], []))
                steps.append(entry['step'])
                values.append(float(value))
    return series


def plot_curves(logs: Sequence[Series],
                keys: Sequence[str],
                legend: Sequence[str],
                out: str,
                title: str = None) -> None:
    """One panel per key, one line per log; saved to ``out``."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(
        len(keys), 1, figsize=(7, 3 * len(keys)), squeeze=False)
    for ax, key in zip(axes[:, 0], keys):
        for series, name in zip(logs, legend):
            steps, values = series[key]
            ax.plot(
                steps,
                values,
                marker='.' if len(steps) < 30 else None,
                label=name)
        ax.set_xlabel('step')
        ax.set_ylabel(key)
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(out, dpi=100)
    plt.close(fig)


def main(argv=None) -> None:
    args = parse_args(argv)
    legend = args.legend or [osp.basename(p) for p in args.json_logs]
    if len(legend) != len(args.json_logs):
        raise ValueError(f'--legend has {len(legend)} entries for '
                         f'{len(args.json_logs)} logs')
    logs = [load_json_log(p) for p in args.json_logs]
    for path, series in zip(args.json_logs, logs):
        missing = [k for k in args.keys if k not in series]
        if missing:
            raise KeyError(f'{path} has no {missing}; keys in the log: '
                           f'{sorted(series)}')
    plot_curves(logs, args.keys, legend, args.out, args.title)
    for path, series in zip(args.json_logs, logs):
        for key in args.keys:
            steps, values = series[key]
            print(f'{path}: {key}: {len(values)} points, last {values[-1]:.4f}'
                  f' at step {steps[-1]}')
    print(f'saved {args.out}')


if __name__ == '__main__':
    main()
