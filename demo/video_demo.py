# Copyright (c) mmavs contributors. All rights reserved.
"""Segment the sounding objects of a video file with its own audio track.

    python demo/video_demo.py CONFIG CHECKPOINT VIDEO --out OUT.mp4 \
        [--frames-dir DIR] [--mode benchmark|dense] [--step K] [--show-maps]

Writes OUT.mp4: every frame with the mask of the prediction that covers it
(benchmark mode: the mask of its second), H.264, with the video's original
audio stream muxed back unchanged. With ``--frames-dir`` it also writes the
overlay of every sampled frame as ``DIR/<video name>/<frame>.png`` (and,
with ``--show-maps``, the model's maps: ``<frame>_uncertainty.png``,
``<frame>_groups.png``). See docs/en/user_guides/inference.md.
"""
import argparse
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from mmavs.apis import AVSInferencer, write_overlay_video  # noqa: E402
from mmavs.utils import add_inference_args, inference_call_kwargs  # noqa


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    add_inference_args(parser)
    parser.add_argument('video', help='video file with an audio track')
    parser.add_argument('--out', required=True, help='output .mp4 file')
    parser.add_argument(
        '--frames-dir', help='also write the overlay of every sampled frame')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    inferencer = AVSInferencer(
        args.config,
        args.checkpoint,
        device=args.device,
        cfg_options=args.cfg_options)
    kwargs = inference_call_kwargs(args)
    if args.frames_dir:
        kwargs['img_out_dir'] = args.frames_dir
    else:
        kwargs.pop('draw_maps')
    result = inferencer(args.video, **kwargs)['predictions'][0]
    count = write_overlay_video(
        args.video,
        result,
        args.out,
        inferencer.model.dataset_meta['palette'],
        opacity=args.opacity)
    print(f'{args.video}: {len(result["masks"])} frames segmented '
          f'({result["mode"]} mode, clips of {result["clip_length"]}); '
          f'{count} frames written to {args.out} with the original audio')
    if result['unused_tail_seconds'] > 0 and args.mode == 'benchmark':
        print(f'the last {result["unused_tail_seconds"]:.3f} s (an '
              'incomplete second) were not segmented')
    if args.frames_dir:
        print(f'overlays of the segmented frames in '
              f'{osp.join(args.frames_dir, result["name"])}')


if __name__ == '__main__':
    main()
