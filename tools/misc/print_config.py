# Copyright (c) mmavs contributors. All rights reserved.
"""Print the full config after ``_base_`` inheritance and overrides.

Example::

    python tools/misc/print_config.py \\
        configs/tpavi/tpavi_pvt-v2-b5_1xb4-15e_s4-224x224.py \\
        --cfg-options model.neck.channels=128 --save-path full.py
"""
import argparse

from mmavs.utils import add_cfg_options_arg, load_config


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Print the full config (after inheritance)')
    parser.add_argument('config', help='config file')
    add_cfg_options_arg(parser)
    parser.add_argument(
        '--save-path', help='also write the full config to this .py file')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    cfg = load_config(args.config, args.cfg_options)
    print(cfg.pretty_text)
    if args.save_path:
        if not args.save_path.endswith(('.py', '.json', '.yaml', '.yml')):
            raise ValueError('--save-path must end with .py, .json, .yaml or '
                             f'.yml, got {args.save_path}')
        cfg.dump(args.save_path)
        print(f'config saved to {args.save_path}')


if __name__ == '__main__':
    main()
