# Copyright (c) mmavs contributors. All rights reserved.
"""Command-line options shared by ``tools/train.py`` and ``tools/test.py``."""
import argparse
import os
import os.path as osp

from mmengine.config import Config, DictAction


def add_cfg_options_arg(parser: argparse.ArgumentParser) -> None:
    """Add ``--cfg-options key=value ...`` (parsed into ``cfg_options``).

    Args:
        parser (ArgumentParser): The tool's parser.
    """
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, key=value pairs')


def add_runtime_args(parser: argparse.ArgumentParser) -> None:
    """Add ``--work-dir``, ``--cfg-options``, ``--unsafe-load``,
    ``--launcher`` and ``--local-rank``.

    Args:
        parser (ArgumentParser): The tool's parser.
    """
    parser.add_argument('--work-dir', help='the dir to save logs and outputs')
    add_cfg_options_arg(parser)
    parser.add_argument(
        '--unsafe-load',
        action='store_true',
        help='unpickle the checkpoint this run loads or resumes with '
        'weights_only=False: this runs any code stored in the file, use it '
        'only for a file you trust (a warning names the file). By default '
        'checkpoints load with weights_only=True and an allow-list; no '
        'config key can change that')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def apply_runtime_args(cfg: Config, args: argparse.Namespace,
                       config_path: str) -> Config:
    """Set the launcher and work dir from the parsed options.

    The work dir is ``--work-dir``, else the config's ``work_dir``, else
    ``./work_dirs/<config name>``. ``LOCAL_RANK`` is exported for launchers
    that pass ``--local-rank`` instead of setting it.

    Returns:
        Config: ``cfg``, updated in place.
    """
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(config_path))[0])
    return cfg


def add_inference_args(parser: argparse.ArgumentParser) -> None:
    """Add the options of the inference demos: ``config``, ``checkpoint``,
    ``--device``, ``--mode``, ``--step``, ``--window-seconds``,
    ``--pad-short``, ``--batch-size``, ``--show-maps``, ``--opacity``,
    ``--cfg-options``.

    Args:
        parser (ArgumentParser): The demo's parser.
    """
    parser.add_argument('config', help='model config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--device', default=None, help='device (default: cuda if any, cpu)')
    parser.add_argument(
        '--mode',
        choices=['benchmark', 'dense'],
        default='benchmark',
        help='benchmark: the last frame of every second with that second '
        'of audio (AVSBench); dense: every --step-th frame with the '
        '--window-seconds of audio that end with it')
    parser.add_argument(
        '--step', type=int, default=1, help='dense mode: frame step')
    parser.add_argument(
        '--window-seconds',
        type=float,
        default=1.0,
        help='dense mode: seconds of audio per frame')
    parser.add_argument(
        '--pad-short',
        action='store_true',
        help='pad an input shorter than one clip with empty frames '
        '(default: refuse it)')
    parser.add_argument(
        '--batch-size', type=int, default=1, help='clips per forward pass')
    parser.add_argument(
        '--show-maps',
        action='store_true',
        help="also draw the model's maps (RAVS uncertainty, AMA groups)")
    parser.add_argument(
        '--opacity', type=float, default=0.5, help='mask colour weight')
    add_cfg_options_arg(parser)


def inference_call_kwargs(args: argparse.Namespace) -> dict:
    """The :class:`~mmavs.apis.AVSInferencer` call options of
    :func:`add_inference_args`."""
    return dict(
        mode=args.mode,
        step=args.step,
        window_seconds=args.window_seconds,
        pad_short=args.pad_short,
        batch_size=args.batch_size,
        draw_maps=args.show_maps,
        opacity=args.opacity)
