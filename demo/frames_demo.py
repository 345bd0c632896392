# Copyright (c) mmavs contributors. All rights reserved.
"""Segment the sounding objects of a frame folder with its audio (a wav).

    python demo/frames_demo.py CONFIG CHECKPOINT FRAMES_DIR AUDIO.wav \
        --out-dir DIR [--fps 1] [--video OUT.mp4] [--show-maps]

The frames (image files in natural order: ``1.png`` ... ``10.png``, or
AVSBench's ``vid.mp4_1.png`` ...) are shown at ``--fps`` frames per second
(default 1: the AVSBench layout, one frame per second) and the audio starts
with the first frame. Writes ``DIR/vis/<name>/<frame>.png`` (overlays, and
the model's maps with ``--show-maps``) and ``DIR/pred/<name>/<frame>.png``
(the masks as label images); ``--video`` also writes an MP4 of the
overlays with the audio. See docs/en/user_guides/inference.md.
"""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from mmavs.apis import (AVSInferencer, FrameSource,  # noqa: E402
                        write_overlay_video)
from mmavs.utils import add_inference_args, inference_call_kwargs  # noqa


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    add_inference_args(parser)
    parser.add_argument('frames', help='folder of frames')
    parser.add_argument('audio', help='audio file (wav, flac, ...)')
    parser.add_argument('--out-dir', required=True, help='output folder')
    parser.add_argument(
        '--fps', type=float, default=1.0, help='frame rate of the folder')
    parser.add_argument('--video', help='also write an overlay .mp4')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    inferencer = AVSInferencer(
        args.config,
        args.checkpoint,
        device=args.device,
        cfg_options=args.cfg_options)
    source = FrameSource(args.frames, args.audio, fps=args.fps)
    result = inferencer(
        source, out_dir=args.out_dir,
        **inference_call_kwargs(args))['predictions'][0]
    print(f'{args.frames}: {len(result["masks"])} frames segmented '
          f'({result["mode"]} mode, clips of {result["clip_length"]}); '
          f'overlays in {osp.join(args.out_dir, "vis", result["name"])}, '
          f'masks in {osp.join(args.out_dir, "pred", result["name"])}')
    if args.video:
        count = write_overlay_video(
            None,
            result,
            args.video,
            inferencer.model.dataset_meta['palette'],
            opacity=args.opacity,
            frames=source)
        print(f'{count} frames written to {args.video} with the audio')


if __name__ == '__main__':
    main()
