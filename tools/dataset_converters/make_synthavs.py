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

The output depends only on the parameters (seed included), not on
``--workers``.

Unless ``--no-audio-encoder`` is given, the tiny configs' frozen audio
encoder is then pretrained on the train audio (a few seconds; see
:mod:`mmavs.apis.synthavs_audio`) and saved as
``OUT_DIR/pretrained/synthavs_audio_mlp.pth`` (kept while the data and the
recipe are unchanged).
"""
import argparse
import json
import os.path as osp
import time

from mmavs.apis.synthavs_audio import ensure_synthavs_audio
from mmavs.datasets.synth_avs import (
    CASE_TYPES, DEFAULT_SPLIT_SIZES, LAYOUTS, default_synthavs_root,
    ensure_synthavs, generate_synthavs)


def parse_args(argv=None) -> argparse.Namespace:
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
    parser.add_argument(
        '--num-train',
        type=int,
        default=DEFAULT_SPLIT_SIZES['train'],
        help='train clips per layout')
    parser.add_argument(
        '--num-val',
        type=int,
        default=DEFAULT_SPLIT_SIZES['val'],
        help='val clips per layout')
    parser.add_argument(
        '--num-test',
        type=int,
        default=DEFAULT_SPLIT_SIZES['test'],
        help='test clips per layout')
    parser.add_argument(
        '--image-size', type=int, default=64, help='frame size in pixels')
    parser.add_argument(
        '--num-categories', type=int, default=5, help='number of categories')
    parser.add_argument(
        '--case-mix',
        type=json.loads,
        default=None,
        help='JSON {layout: {case: proportion}}; case types: ' +
        ', '.join(CASE_TYPES))
    parser.add_argument(
        '--decoy-cue-prob',
        type=float,
        default=0.1,
        help='probability of a ring cue on a silent object')
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
    kwargs = dict(
        layouts=args.layouts,
        seed=args.seed,
        num_train=args.num_train,
        num_val=args.num_val,
        num_test=args.num_test,
        image_size=args.image_size,
        num_categories=args.num_categories,
        case_mix=args.case_mix,
        decoy_cue_prob=args.decoy_cue_prob,
        all_train_masks=args.all_train_masks,
        write_log_mel=args.write_log_mel,
        num_workers=args.workers)
    t0 = time.time()
    if args.ensure:
        ensure_synthavs(out_dir, **kwargs)
        with open(osp.join(out_dir, 'synthavs_stamp.json')) as f:
            stamp = json.load(f)
    else:
        stamp = generate_synthavs(out_dir, overwrite=args.overwrite, **kwargs)
    print(f'SynthAVS in {out_dir} ({time.time() - t0:.1f} s)')
    for cat in stamp['categories']:
        print(f"  class {cat['class_index']}: {cat['name']:<14} "
              f"{cat['shape']:<9} {cat['texture']:<9} sound={cat['sound']}")
    for layout, splits in stamp['counts'].items():
        for split, counts in splits.items():
            text = ', '.join(f'{k}={v}' for k, v in counts.items() if v)
            print(f'  {layout}/{split}: {sum(counts.values())} clips ({text})')
    layouts = list(stamp['counts'])
    if not args.no_audio_encoder and ('ms3' in layouts or 's4' in layouts):
        path = ensure_synthavs_audio(
            out_dir, layout='ms3' if 'ms3' in layouts else 's4')
        print(f'  audio encoder: {path}')


if __name__ == '__main__':
    main()
