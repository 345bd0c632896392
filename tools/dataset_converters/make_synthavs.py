# Copyright (c) mmavs contributors. All rights reserved.
"""Generate SynthAVS, the embedded default dataset of mmavs.

Writes the AVSBench-Object v1 layouts (``Single-source``: S4-like,
``Multi-sources``: MS3-like) and the AVSBench-Semantic layout (``AVSS``)
below ``OUT_DIR`` (default ``data/synthavs``, the path the
``configs/_base_/datasets/synthavs_*.py`` configs read)::

    python tools/dataset_converters/make_synthavs.py
    python tools/dataset_converters/make_synthavs.py data/synthavs \\
        --layouts s4 ms3 --num-train 400 --image-size 96 --overwrite
    python tools/dataset_converters/make_synthavs.py --ensure  # if missing
    python tools/dataset_converters/make_synthavs.py data/synthavs_rec \\
        --sound-dir /path/to/recordings  # real recordings, one per category

The sounds are synthesised (nothing is read from disk) unless
``--sound-dir`` names a folder of recordings. The output depends only on
the parameters (seed included), not on ``--workers``.

Unless ``--no-audio-encoder`` is given, the tiny configs' frozen audio
encoder is then pretrained on the train audio (a few seconds; see
:mod:`mmavs.synthavs.audio_encoder`) and saved as
``OUT_DIR/pretrained/synthavs_audio_mlp.pth`` (kept while the data and the
recipe are unchanged).
"""
import argparse
import json
import time

from mmavs.synthavs import (CASE_TYPES, DEFAULT_SPLIT_SIZES, LAYOUTS,
                            SynthAVSParams, default_synthavs_root,
                            ensure_synthavs, ensure_synthavs_audio,
                            generate_synthavs, read_stamp)


def parse_args(argv=None) -> argparse.Namespace:
    defaults = SynthAVSParams()
    parser = argparse.ArgumentParser(
        description='Generate the SynthAVS dataset (AVSBench layouts)')
    parser.add_argument(
        'out_dir',
        nargs='?',
        default=None,
        help='output folder (default: <repo>/data/synthavs)')
    parser.add_argument(
        '--layouts',
        nargs='+',
        choices=LAYOUTS,
        default=list(LAYOUTS),
        help='layouts to write (default: all)')
    parser.add_argument('--seed', type=int, default=0, help='random seed')
    for split in ('train', 'val', 'test'):
        parser.add_argument(
            f'--num-{split}',
            type=int,
            default=DEFAULT_SPLIT_SIZES[split],
            help=f'{split} clips per layout')
    parser.add_argument(
        '--image-size', type=int, default=64, help='frame size in pixels')
    parser.add_argument(
        '--num-categories',
        type=int,
        default=defaults.num_categories,
        help='number of categories')
    parser.add_argument(
        '--num-levels',
        type=int,
        default=defaults.num_levels,
        help='pitch / brightness levels of the audio-visual binding')
    parser.add_argument(
        '--case-mix',
        type=json.loads,
        default=None,
        help='JSON {layout: {case: proportion}}; case types: ' +
        ', '.join(CASE_TYPES))
    parser.add_argument(
        '--sound-dir',
        default=None,
        help='folder of real recordings, one category per file (default: '
        'procedural sounds)')
    parser.add_argument(
        '--all-train-masks',
        action='store_true',
        help='write every train mask (AVSBench S4 / AVSS v1s train clips '
        'officially have only the first one)')
    parser.add_argument(
        '--write-log-mel',
        action='store_true',
        help='also write the official VGGish audio_log_mel/*.pkl (s4, ms3)')
    parser.add_argument(
        '--workers', type=int, default=0, help='worker processes')
    parser.add_argument(
        '--no-audio-encoder',
        action='store_true',
        help='do not pretrain the frozen audio encoder of the tiny configs '
        '(OUT_DIR/pretrained/synthavs_audio_mlp.pth)')
    parser.add_argument(
        '--quiet', action='store_true', help='no progress bars')
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        '--overwrite',
        action='store_true',
        help='replace existing layout folders')
    group.add_argument(
        '--ensure',
        action='store_true',
        help='generate only if OUT_DIR lacks a tree made with these '
        'parameters (atomic replace)')
    return parser.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    out_dir = args.out_dir or default_synthavs_root()
    params = SynthAVSParams(
        layouts=args.layouts,
        seed=args.seed,
        num_train=args.num_train,
        num_val=args.num_val,
        num_test=args.num_test,
        image_size=args.image_size,
        num_categories=args.num_categories,
        num_levels=args.num_levels,
        case_mix=args.case_mix,
        all_train_masks=args.all_train_masks,
        write_log_mel=args.write_log_mel,
        sound_dir=args.sound_dir)
    progress = not args.quiet
    t0 = time.time()
    if args.ensure:
        ensure_synthavs(
            out_dir, params, num_workers=args.workers, progress=progress)
        stamp = read_stamp(out_dir)
    else:
        stamp = generate_synthavs(
            out_dir,
            params,
            num_workers=args.workers,
            overwrite=args.overwrite,
            progress=progress)
    print(f'SynthAVS in {out_dir} ({time.time() - t0:.1f} s)')
    for cat in stamp['categories']:
        print(f"  class {cat['class_index']}: {cat['name']:<14} "
              f"{cat['shape']:<9} {cat['texture']:<9}")
    for layout, splits in stamp['counts'].items():
        for split, counts in splits.items():
            text = ', '.join(f'{k}={v}' for k, v in counts.items() if v)
            print(f'  {layout}/{split}: {sum(counts.values())} clips ({text})')
    layouts = list(stamp['counts'])
    if not args.no_audio_encoder and ('ms3' in layouts or 's4' in layouts):
        path = ensure_synthavs_audio(
            out_dir,
            layout='ms3' if 'ms3' in layouts else 's4',
            progress=progress)
        print(f'  audio encoder: {path}')


if __name__ == '__main__':
    main()
