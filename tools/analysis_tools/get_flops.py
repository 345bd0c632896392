# Copyright (c) mmavs contributors. All rights reserved.
"""FLOPs and parameters of a model config, counted by mmengine.

``mmengine.analysis.FlopAnalyzer`` (what ``get_model_complexity_info``
uses) traces one forward pass of
the model (``mode='tensor'``: backbones, audio backbone, fusion neck and
decode head, no post-processing) on one synthetic clip of ``--num-frames``
frames at ``--shape`` and the audio its audio backbone expects, and counts
the operators it supports (convolutions, matmuls, normalisations, ...; an
operator it does not know is listed and counted as 0, as in mmseg's tool;
this tool adds handles for the attention and batched-product operators the
models here use, see :data:`mmavs.utils.complexity.EXTRA_HANDLES`).
The FLOPs are for the whole clip (all frames and their audio).

Example::

    python tools/analysis_tools/get_flops.py \\
        configs/tpavi/tpavi_pvt-v2-b5_1xb4-15e_s4-224x224.py \\
        --shape 224 --num-frames 5
"""
import argparse

import torch

from mmavs.utils import add_cfg_options_arg


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='FLOPs and parameters of a model config (one clip)')
    parser.add_argument('config', help='config file')
    parser.add_argument(
        '--shape',
        type=int,
        nargs='+',
        default=[224],
        help='frame size: H (square) or H W')
    parser.add_argument(
        '--num-frames', type=int, default=5, help='frames per clip (T)')
    parser.add_argument(
        '--show-table', action='store_true', help='print the per-module table')
    add_cfg_options_arg(parser)
    return parser.parse_args(argv)


def complexity(config: str,
               shape=(224, 224),
               num_frames: int = 5,
               cfg_options=None,
               show_table: bool = False) -> dict:
    """Count the FLOPs of one clip.

    ``mmengine.analysis.FlopAnalyzer`` with
    :data:`mmavs.utils.complexity.EXTRA_HANDLES`; PyTorch's
    fused multi-head-attention fast path (an operator no counter knows) is
    switched off while tracing, so ``nn.MultiheadAttention`` is counted
    through its linear layers and attention products.

    Args:
        config (str): Config file.
        shape (tuple[int, int]): Frame height and width.
        num_frames (int): Frames per clip.
        cfg_options (dict, optional): Config overrides.
        show_table (bool): Also return mmengine's per-module table.

    Returns:
        dict: ``flops`` and ``params`` (int), the formatted ``flops_str``,
        ``params_str``, ``out_table`` (empty unless ``show_table``) and
        ``uncounted`` (operator -> number of calls counted as 0).
    """
    from mmengine.analysis import parameter_count
    from mmengine.analysis.print_helper import complexity_stats_table

    from mmavs.registry import MODELS
    from mmavs.testing import audio_input_shape, synthetic_av_batch
    from mmavs.utils import load_config, register_all_modules
    from mmavs.utils.complexity import flop_analyzer, no_mha_fastpath
    register_all_modules()
    cfg = load_config(config, cfg_options)
    model = MODELS.build(cfg.model)
    model.eval()
    height, width = shape
    if height != width:
        raise ValueError('synthetic clips are square; got '
                         f'{height}x{width}')
    batch = synthetic_av_batch(
        num_clips=1,
        num_frames=num_frames,
        size=height,
        audio_shape=audio_input_shape(cfg.model.audio_backbone),
        num_classes=model.decode_head.num_classes)
    analyzer = flop_analyzer(model, batch)
    with no_mha_fastpath(), torch.no_grad():
        flops = analyzer.total()
        table = complexity_stats_table(
            flops=analyzer, show_param_shapes=False) if show_table else ''
    params = parameter_count(model)['']
    return dict(
        flops=flops,
        params=params,
        flops_str=f'{flops / 1e9:.2f} G',
        params_str=f'{params / 1e6:.2f} M',
        out_table=table,
        uncounted=dict(analyzer.unsupported_ops()))


def main(argv=None) -> None:
    args = parse_args(argv)
    if len(args.shape) == 1:
        shape = (args.shape[0], args.shape[0])
    elif len(args.shape) == 2:
        shape = tuple(args.shape)
    else:
        raise ValueError(f'--shape takes H or H W, got {args.shape}')
    out = complexity(args.config, shape, args.num_frames, args.cfg_options,
                     args.show_table)
    if args.show_table:
        print(out['out_table'])
    split = '=' * 30
    print(f'{split}\nConfig: {args.config}\n'
          f'Input: 1 clip of {args.num_frames} frames, {shape[0]}x{shape[1]}'
          f' (and its audio)\nFlops: {out["flops_str"]} ({out["flops"]}; '
          f'1 flop = 1 multiply-add)\n'
          f'Params: {out["params_str"]} ({out["params"]})\n{split}')
    uncounted = ', '.join(f'{op} x{n}'
                          for op, n in sorted(out['uncounted'].items()))
    print(f'Counted as 0 (element-wise, normalisation, resampling, '
          f'indexing operators): {uncounted or "none"}')


if __name__ == '__main__':
    main()
