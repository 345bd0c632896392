# Copyright (c) mmavs contributors. All rights reserved.
"""Benchmark a model config: inference clips/s and training iterations/s.

Inputs are synthetic preprocessed clips (random frames, audio of the shape
the audio backbone expects, random masks; see
:func:`mmavs.testing.synthetic_av_batch`), so no dataset is needed and the
data pipeline is not timed (see ``benchmark_data.py`` for it).

Prints

1. inference: clips/s of ``model(mode='predict')`` under ``no_grad`` in
   eval mode;
2. training: iterations/s of loss + backward + Adam step on batches of
   ``--batch-size`` clips.

Example::

    python tools/analysis_tools/benchmark_model.py \\
        configs/tpavi/tpavi_pvt-v2-b5_1xb4-15e_s4-224x224.py \\
        --size 224 --batch-size 4 --iters 3
"""
import argparse
import time

from mmengine.config import DictAction


def parse_args():
    parser = argparse.ArgumentParser(
        description='Inference and training speed of a model config')
    parser.add_argument('config', help='config file')
    parser.add_argument('--size', type=int, default=224, help='frame size')
    parser.add_argument(
        '--num-frames',
        type=int,
        default=None,
        help='frames per clip (default: 10 for AVSS-like heads with more '
        'than one output channel, else 5)')
    parser.add_argument(
        '--batch-size', type=int, default=4, help='clips per training batch')
    parser.add_argument(
        '--infer-batch-size',
        type=int,
        default=1,
        help='clips per inference batch')
    parser.add_argument('--iters', type=int, default=3, help='timed iters')
    parser.add_argument('--warmup', type=int, default=1, help='warm-up iters')
    parser.add_argument(
        '--skip-train', action='store_true', help='time inference only')
    parser.add_argument('--device', default='cpu', help='cpu or cuda')
    parser.add_argument(
        '--threads', type=int, default=None, help='torch CPU threads')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        default=None,
        help='override config keys')
    return parser.parse_args()


def _to(batch: dict, device) -> dict:
    inputs = batch['inputs']
    return dict(
        inputs=dict(
            frames=inputs['frames'].to(device),
            audio=inputs['audio'].to(device),
            num_frames=inputs['num_frames']),
        data_samples=[s.to(device) for s in batch['data_samples']])


def main() -> None:
    args = parse_args()
    import torch

    import mmavs  # noqa: F401  (installs the mmcv.ops fallback first)
    from mmavs.registry import MODELS
    from mmavs.testing import audio_input_shape, synthetic_av_batch
    from mmavs.utils import load_config, register_all_modules
    register_all_modules()
    if args.threads:
        torch.set_num_threads(args.threads)
    cfg = load_config(args.config, args.cfg_options)
    model = MODELS.build(cfg.model).to(args.device)
    head = model.decode_head
    num_frames = args.num_frames or (10 if head.out_channels > 1 else 5)
    audio_shape = audio_input_shape(cfg.model.audio_backbone)

    def batch(clips, seed):
        return _to(
            synthetic_av_batch(
                num_clips=clips,
                num_frames=num_frames,
                size=args.size,
                audio_shape=audio_shape,
                num_classes=head.num_classes,
                seed=seed), args.device)

    def sync():
        if args.device.startswith('cuda'):
            torch.cuda.synchronize()

    print(f'config: {args.config}\ndevice: {args.device}, threads: '
          f'{torch.get_num_threads()}, frames: {args.size}x{args.size}, '
          f'T={num_frames}')
    model.eval()
    data = batch(args.infer_batch_size, 0)
    with torch.no_grad():
        for i in range(args.warmup + args.iters):
            if i == args.warmup:
                sync()
                start = time.perf_counter()
            model(**data, mode='predict')
        sync()
    elapsed = time.perf_counter() - start
    clips = args.iters * args.infer_batch_size
    print(f'inference: {clips / elapsed:.3f} clips/s '
          f'({elapsed / args.iters:.3f} s per batch of '
          f'{args.infer_batch_size} clip(s))')
    if args.skip_train:
        return

    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.Adam(params, lr=1e-4)
    for i in range(args.warmup + args.iters):
        data = batch(args.batch_size, i + 1)
        if i == args.warmup:
            sync()
            start = time.perf_counter()
        losses = model(**data, mode='loss')
        loss = sum(v for k, v in losses.items() if 'loss' in k)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    sync()
    elapsed = time.perf_counter() - start
    print(f'training: {args.iters / elapsed:.4f} iters/s '
          f'({elapsed / args.iters:.3f} s per iteration of '
          f'{args.batch_size} clip(s))')


if __name__ == '__main__':
    main()
