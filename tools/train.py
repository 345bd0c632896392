# Copyright (c) mmavs contributors. All rights reserved.
"""Train an mmavs model: ``python tools/train.py CONFIG [options]``."""
import argparse
import logging

from mmengine.device import get_device

from mmavs.utils import (add_runtime_args, apply_runtime_args, build_runner,
                         load_config)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train an AVS model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from the given checkpoint, or, with no value, from the '
        'latest checkpoint in the work dir')
    parser.add_argument(
        '--amp', action='store_true', help='enable automatic mixed precision')
    add_runtime_args(parser)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    cfg = load_config(args.config, args.cfg_options)
    apply_runtime_args(cfg, args, args.config)
    if args.amp:
        if get_device() == 'cpu':
            raise RuntimeError(
                '--amp needs a GPU (mmengine\'s AmpOptimWrapper '
                'does not run on CPU)')
        optim_wrapper = cfg.optim_wrapper.type
        if optim_wrapper == 'AmpOptimWrapper':
            logging.warning('AMP training is already enabled in the config')
        elif optim_wrapper != 'OptimWrapper':
            raise ValueError('--amp works with optim_wrapper.type='
                             f"'OptimWrapper', got {optim_wrapper!r}")
        else:
            cfg.optim_wrapper.type = 'AmpOptimWrapper'
            cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume
    runner = build_runner(cfg, unsafe_load=args.unsafe_load)
    runner.train()


if __name__ == '__main__':
    main()
