# Copyright (c) mmavs contributors. All rights reserved.
"""Count the parameters of a model config.

Prints the total and trainable (``requires_grad``) parameters of the model
and of each of its parts; a frozen audio backbone (``frozen=True``) counts
in the total, not in the trainable parameters. No weights are loaded.

Example::

    python tools/analysis_tools/count_params.py \\
        configs/tpavi/tpavi_pvt-v2-b5_1xb4-15e_s4-224x224.py
"""
import argparse

from mmengine.config import DictAction


def parse_args():
    parser = argparse.ArgumentParser(
        description='Count total and trainable parameters of a config')
    parser.add_argument('config', help='config file')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        default=None,
        help='override config keys, e.g. model.neck.channels=128')
    return parser.parse_args()


def count(module) -> tuple:
    """(total, trainable) parameter counts of a module."""
    total = sum(p.numel() for p in module.parameters())
    trainable = sum(p.numel() for p in module.parameters() if p.requires_grad)
    return total, trainable


def main() -> None:
    args = parse_args()
    import mmavs  # noqa: F401  (installs the mmcv.ops fallback first)
    from mmavs.registry import MODELS
    from mmavs.utils import load_config, register_all_modules
    register_all_modules()
    cfg = load_config(args.config, args.cfg_options)
    model = MODELS.build(cfg.model)
    print(f'{"part":<20}{"total":>16}{"trainable":>16}')
    for name, child in model.named_children():
        total, trainable = count(child)
        if total:
            print(f'{name:<20}{total:>16,}{trainable:>16,}')
    total, trainable = count(model)
    print(f'{"model":<20}{total:>16,}{trainable:>16,}')
    print(f'total: {total / 1e6:.2f} M, trainable: {trainable / 1e6:.2f} M')


if __name__ == '__main__':
    main()
