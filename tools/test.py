# Copyright (c) mmavs contributors. All rights reserved.
"""Evaluate a checkpoint: ``python tools/test.py CONFIG CHECKPOINT [options]``.

Metrics come from the config's ``test_evaluator`` and are written as JSON to
the run's log dir and to ``{work_dir}/metrics.json``; ``--out`` also saves the
predictions of every clip (``DumpAVSResults``: logits, ground truth and
metainfo per frame, read by ``tools/analysis_tools/metric_audit.py`` and
``confusion_matrix.py``), ``--show-dir`` writes mask overlays (PNG) and
``--show-maps`` the model's maps next to them (RAVS uncertainty, AMA groups).
"""
import argparse
import os.path as osp

from mmengine.fileio import dump

from mmavs.utils import (add_runtime_args, apply_runtime_args, build_runner,
                         load_config)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test an AVS model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--out',
        help='save the predictions of every clip (logits, ground truth and '
        'metainfo per frame; torch.save format, read weights-only) to this '
        'file, e.g. preds.pkl')
    parser.add_argument(
        '--show-dir',
        help='write mask overlays to this dir (relative to the run dir, or '
        'absolute)')
    parser.add_argument(
        '--show-maps',
        action='store_true',
        help="with --show-dir, also draw the model's maps (RAVS "
        'uncertainty, AMA groups) next to the overlays')
    parser.add_argument(
        '--amp', action='store_true', help='test with mixed precision')
    add_runtime_args(parser)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if not osp.isfile(args.checkpoint):
        raise FileNotFoundError(f'checkpoint {args.checkpoint} does not exist')
    cfg = load_config(args.config, args.cfg_options)
    apply_runtime_args(cfg, args, args.config)
    cfg.load_from = args.checkpoint
    cfg.resume = False
    if args.show_dir:
        vis = cfg.default_hooks.get('visualization')
        if vis is None or vis.get('type') != 'AVSVisualizationHook':
            raise KeyError(
                '--show-dir needs default_hooks.visualization to be '
                "an 'AVSVisualizationHook'")
        vis.draw = True
        vis.show_dir = args.show_dir
        vis.draw_maps = args.show_maps
    elif args.show_maps:
        raise ValueError('--show-maps draws next to the overlays of '
                         '--show-dir; give --show-dir too')
    if args.out:
        evaluators = cfg.test_evaluator
        if isinstance(evaluators, dict):
            evaluators = [evaluators]
        cfg.test_evaluator = list(evaluators) + [
            dict(type='DumpAVSResults', out_file_path=args.out)
        ]
    if args.amp:
        cfg.test_cfg = dict(cfg.get('test_cfg') or {}, fp16=True)
    runner = build_runner(cfg, unsafe_load=args.unsafe_load)
    metrics = runner.test()
    if runner.rank == 0:
        out_file = osp.join(cfg.work_dir, 'metrics.json')
        dump({
            k: _to_builtin(v)
            for k, v in metrics.items()
        },
             out_file,
             indent=2)
        runner.logger.info(f'metrics written to {out_file}')


def _to_builtin(value):
    """Numbers of numpy/torch types as plain Python numbers for JSON."""
    return value.item() if hasattr(value, 'item') else value


if __name__ == '__main__':
    main()
