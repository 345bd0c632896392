# Copyright (c) mmavs contributors. All rights reserved.
"""Render a generated SynthAVS tree as a raw AVSBench release.

Writes mp4 videos with audio tracks, the metadata CSVs and the masks in the
layout of the AVSBench downloads before preprocessing (see
:mod:`mmavs.synthavs.raw_release`), so that the preparation commands of
``docs/en/user_guides/dataset_prepare.md`` can be tried without the
real videos::

    python tools/dataset_converters/make_synthavs.py data/synthavs_src \\
        --image-size 224 --no-audio-encoder
    python tools/dataset_converters/synthavs_raw_release.py \\
        data/synthavs_src data/AVSBench-object
    # Single-source/ and Multi-sources/ are the AVSBench-Object layout; the
    # AVSS/ folder is an AVSBench-Semantic release
"""
import argparse
import sys

from mmavs.synthavs.params import LAYOUTS
from mmavs.synthavs.raw_release import render_raw_release


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Render SynthAVS as raw AVSBench videos (mp4 + audio)')
    parser.add_argument('synth_root', help='a generated SynthAVS tree')
    parser.add_argument('out_root', help='output folder')
    parser.add_argument(
        '--layouts', nargs='+', choices=LAYOUTS, help='default: all found')
    parser.add_argument('--fps', type=float, default=25.0)
    parser.add_argument(
        '--audio-rate',
        type=int,
        default=44100,
        help='sample rate of the audio tracks')
    parser.add_argument(
        '--audio-codec',
        default='aac',
        help='aac (lossy, as the release), or alac / flac (lossless)')
    parser.add_argument(
        '--crf', default='18', help='H.264 quality (0: lossless)')
    parser.add_argument(
        '--pix-fmt', default='yuv420p', help='yuv420p, or yuv444p')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    counts = render_raw_release(
        args.synth_root,
        args.out_root,
        layouts=args.layouts,
        fps=args.fps,
        audio_rate=args.audio_rate,
        audio_codec=args.audio_codec,
        video_options={'crf': str(args.crf)},
        pix_fmt=args.pix_fmt)
    for layout, num in counts.items():
        print(f'{layout}: {num} video(s) written below {args.out_root}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
