# Copyright (c) mmavs contributors. All rights reserved.
"""Seconds of video segmented per second of wall time (AVSInferencer).

Writes a synthetic video (moving coloured discs, a tone whose pitch
changes every second; H.264 + AAC at the frame size ``--size``), then
times, in the same run:

1. **baseline: decoding** -- probing the video, decoding its audio track and
   the frames the sampling mode picks (no model, no pipeline);
2. **inference** -- :class:`~mmavs.apis.AVSInferencer` on the whole video:
   decoding, the config's test pipeline (resize, audio front-end) and the
   model on clips of ``T`` frames.

and prints video-seconds per second for each (higher is faster) and the
share of the inference time that is not decoding.

Without a checkpoint the model keeps its random initial weights (speed does
not depend on them); pretrained ``init_cfg`` files are not read.

Example (one compute thread)::

    OMP_NUM_THREADS=1 python tools/analysis_tools/benchmark_inference.py \\
        configs/tpavi/tpavi_pvt-v2-b5_1xb4-15e_s4-224x224.py --size 224
"""
import argparse
import os.path as osp
import tempfile
import time
import warnings
from fractions import Fraction

import numpy as np
import torch
from mmengine.config import DictAction


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='model config')
    parser.add_argument('checkpoint', nargs='?', help='checkpoint (optional)')
    parser.add_argument(
        '--seconds', type=int, default=10, help='video length (s)')
    parser.add_argument('--fps', type=int, default=25, help='frame rate')
    parser.add_argument(
        '--size', type=int, default=224, help='frame width and height')
    parser.add_argument(
        '--mode', choices=['benchmark', 'dense'], default='benchmark')
    parser.add_argument(
        '--step', type=int, default=5, help='dense mode frame step')
    parser.add_argument('--batch-size', type=int, default=1)
    parser.add_argument('--repeat', type=int, default=2, help='timed runs')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args()


def synthetic_video(path: str, seconds: int, fps: int, size: int) -> str:
    """Moving discs and a tone with a new pitch every second."""
    from mmavs.apis import VideoWriter
    rate = 16000
    t = np.arange(seconds * rate) / rate
    pitch = 300 + 100 * (np.floor(t) % 5)
    wave = 0.3 * np.sin(2 * np.pi * np.cumsum(pitch) / rate)
    yy, xx = np.mgrid[0:size, 0:size]
    with VideoWriter(path, size, size, Fraction(1, fps), fps,
                     audio_rate=rate) as writer:
        writer.write_audio(wave, rate)
        for i in range(seconds * fps):
            frame = np.full((size, size, 3), 40, np.uint8)
            for k, colour in enumerate(((230, 60, 60), (60, 90, 230))):
                cx = size * (0.3 + 0.4 * k + 0.1 * np.sin(i / fps + k))
                cy = size * (0.5 + 0.2 * np.cos(i / fps + 2 * k))
                disc = (xx - cx)**2 + (yy - cy)**2 < (size / 8)**2
                frame[disc] = colour
            writer.write_frame(frame, i)
    return path


def main() -> None:
    args = parse_args()
    from mmavs.apis import (AVSInferencer, iter_video_frames, probe_video,
                            read_audio_track, sample_frames)
    with tempfile.TemporaryDirectory() as tmp:
        video = synthetic_video(
            osp.join(tmp, 'bench.mp4'), args.seconds, args.fps, args.size)
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            inferencer = AVSInferencer(
                args.config,
                args.checkpoint,
                device=args.device,
                cfg_options=args.cfg_options)
        kwargs = dict(mode=args.mode, step=args.step,
                      batch_size=args.batch_size)
        inferencer(video, **kwargs)  # warm-up (allocations, caches)

        decode, infer = [], []
        for _ in range(args.repeat):
            start = time.perf_counter()
            info = probe_video(video)
            read_audio_track(info)
            picks = sample_frames(info.timeline, args.mode, args.step)
            for _ in iter_video_frames(info, picks.indices):
                pass
            decode.append(time.perf_counter() - start)
            start = time.perf_counter()
            result = inferencer(video, **kwargs)['predictions'][0]
            infer.append(time.perf_counter() - start)
    frames = len(result['masks'])
    clips = -(-frames // inferencer.clip_length)
    dec, inf = min(decode), min(infer)
    print(f'config: {args.config}')
    print(f'weights: {args.checkpoint or "random (initial)"}; device '
          f'{args.device}; torch threads {torch.get_num_threads()}')
    print(f'video: {args.seconds} s, {args.fps} fps, {args.size}x'
          f'{args.size}; {args.mode} mode: {frames} frames segmented in '
          f'{clips} clip(s) of {inferencer.clip_length}')
    print(f'baseline (decoding only): {dec:.3f} s -> '
          f'{args.seconds / dec:.2f} video-s/s')
    print(f'inference (decode + pipeline + model): {inf:.3f} s -> '
          f'{args.seconds / inf:.3f} video-s/s '
          f'({(inf - dec) / clips:.3f} s per clip beyond decoding)')


if __name__ == '__main__':
    main()
