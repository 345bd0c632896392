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
