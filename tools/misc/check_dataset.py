# Copyright (c) mmavs contributors. All rights reserved.
"""Check a dataset through its own loading transforms.

``python tools/misc/check_dataset.py CONFIG [--splits train val test]``
builds the datasets of the config's dataloaders (a wrapper such as
``RobustAVSDataset`` is unwrapped to the dataset it reads), then runs every
clip through the loading transforms of its pipeline (``LoadAVFrames``,
``LoadAVAnnotations``, ``LoadAVAudio``; the augmentations are skipped), and
sorts the errors those transforms raise, by their class:

- ``missing_file``: a frame, mask or audio (feature) file does not exist;
- ``unreadable_file``: an empty or undecodable image, an unreadable audio
  or feature file;
- ``unknown_colour``: a palette mask holds colours outside the palette;
- ``label_out_of_range``: labels outside the dataset's classes (or its
  ``label_map``);
- ``size_mismatch``: frames of a clip, or a mask and its frame, differ in
  size;
- ``short_audio``: audio shorter than the clip (an error when the
  loader's ``pad_mode='error'``; a warning when the config pads it);
- ``audio_cache_miss``: the config reads an audio cache that lacks the
  clip;
- ``other``: anything else (with its exception type);
- ``data_list``: the dataset itself cannot be built from its annotation
  file (missing CSV, unknown split value, no row of the split...).

Each loading step (frames, masks, audio) of a clip reports its first
error: the transforms stop at the first bad file of a clip.

It also reports the clips per split against the official counts (S4
3452/740/740, MS3 296/64/64, AVSS per subset; a mismatch is a warning, an
error with ``--strict-counts``), the clips per category and, per mask class,
the frames holding it and its pixels. ``--out report.json`` writes the
report. The exit status is 1 when any error was found, else 0.
"""
import argparse
import copy
import json
import sys
import warnings
from collections import Counter, defaultdict
from typing import List

import numpy as np

from mmavs.utils import add_cfg_options_arg

SPLITS = ('train', 'val', 'test')

#: Official clips per split. S4 and MS3: the AVSBench-Object release (the
#: AVSBench papers). AVSS: its v1s / v1m subsets are AVSBench-Object S4 /
#: MS3; its v2 counts are the AVSS paper's totals (8498 / 1304 / 1554 over
#: v1s + v1m + v2) minus those; ``source`` says where each row comes from.
OFFICIAL_COUNTS = {
    'AVSBenchS4Dataset': dict(
        counts=dict(train=3452, val=740, test=740),
        source='AVSBench-Object S4'),
    'AVSBenchMS3Dataset': dict(
        counts=dict(train=296, val=64, test=64),
        source='AVSBench-Object MS3'),
    'AVSSDataset:v1s': dict(
        counts=dict(train=3452, val=740, test=740),
        source='AVSBench-Semantic v1s (= S4)'),
    'AVSSDataset:v1m': dict(
        counts=dict(train=296, val=64, test=64),
        source='AVSBench-Semantic v1m (= MS3)'),
    'AVSSDataset:v2': dict(
        counts=dict(train=4750, val=500, test=750),
        source='AVSBench-Semantic v2: AVSS paper totals 8498/1304/1554 '
        'minus v1s and v1m (not checked against a download here)'),
}

#: Loading transforms run by the checker (others are skipped).
FRAME_LOADERS = ('LoadAVFrames', )
MASK_LOADERS = ('LoadAVAnnotations', )
AUDIO_LOADERS = ('LoadAVAudio', )

ERROR_KINDS = ('missing_file', 'unreadable_file', 'unknown_colour',
               'label_out_of_range', 'size_mismatch', 'short_audio',
               'audio_cache_miss', 'other', 'data_list')


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Check the files of a dataset through its loading '
        'transforms')
    parser.add_argument('config', help='config file')
    parser.add_argument(
        '--splits',
        nargs='+',
        choices=SPLITS,
        default=list(SPLITS),
        help='dataloaders to check')
    parser.add_argument('--out', help='write the report as JSON')
    parser.add_argument(
        '--max-listed',
        type=int,
        default=10,
        help='examples printed per kind of error')
    parser.add_argument(
        '--strict-counts',
        action='store_true',
        help='clip counts that differ from the official ones are errors')
    add_cfg_options_arg(parser)
    return parser.parse_args(argv)


def classify(err: BaseException) -> str:
    """The kind (one of :data:`ERROR_KINDS`) of a loading error."""
    from mmavs.datasets.audio_cache import AudioCacheMissError
    from mmavs.datasets.audio_io import AudioFileError
    from mmavs.datasets.transforms.audio import AudioTooShortError
    from mmavs.datasets.transforms.errors import (ImageDecodeError,
                                                  LabelRangeError,
                                                  MaskColourError,
                                                  ShapeMismatchError)
    for cls, kind in ((AudioCacheMissError, 'audio_cache_miss'),
                      (AudioTooShortError, 'short_audio'),
                      (FileNotFoundError, 'missing_file'),
                      (ImageDecodeError, 'unreadable_file'),
                      (AudioFileError, 'unreadable_file'),
                      (MaskColourError, 'unknown_colour'),
                      (LabelRangeError, 'label_out_of_range'),
                      (ShapeMismatchError, 'size_mismatch')):
        if isinstance(err, cls):
            return kind
    return 'other'


def _kind_of(transform_cfg: dict) -> str:
    return str(transform_cfg.get('type', '')).split('.')[-1]


def _inner_dataset_cfg(ds_cfg: dict) -> dict:
    """Unwrap dataset wrappers (``dataset=...``) to the dataset read."""
    while isinstance(ds_cfg.get('dataset'), dict):
        ds_cfg = ds_cfg['dataset']
    return ds_cfg


def build_loaders(pipeline: List[dict]):
    """The frame, mask and audio loaders of a pipeline (defaults for the
    frames and masks when the pipeline has none)."""
    from mmavs.registry import TRANSFORMS
    found = {}
    for t in pipeline:
        kind = _kind_of(t)
        for role, kinds in (('frames', FRAME_LOADERS),
                            ('masks', MASK_LOADERS), ('audio',
                                                      AUDIO_LOADERS)):
            if kind in kinds and role not in found:
                found[role] = TRANSFORMS.build(copy.deepcopy(t))
    found.setdefault('frames', TRANSFORMS.build(dict(type='LoadAVFrames')))
    found.setdefault('masks',
                     TRANSFORMS.build(dict(type='LoadAVAnnotations')))
    return found


def check_clip(info: dict, loaders: dict, num_classes: int) -> dict:
    """Run one clip through the loaders; collect errors and counts.

    The mask loader runs only when the frames loaded (it needs their size);
    the audio loader runs regardless.
    """
    from mmavs.datasets.transforms.audio import AudioPaddingWarning
    clip = str(info.get('clip_id', '?'))
    out = dict(clip=clip, errors=[], warnings=[])
    results = copy.deepcopy(info)
    frames_ok = True
    try:
        results = loaders['frames'](results)
    except Exception as err:
        frames_ok = False
        out['errors'].append(
            dict(kind=classify(err), step='frames', message=str(err)))
    if frames_ok:
        try:
            results = loaders['masks'](results)
            masks = [
                m for m, p in zip(results['gt_masks'], info['mask_paths'])
                if p is not None
            ]
            if masks:
                stack = np.stack(masks)
                labels = stack[stack != 255].astype(np.int64)
                pixels = np.bincount(labels, minlength=num_classes)
                frames = np.zeros(len(pixels), np.int64)
                for m in masks:
                    frames[np.unique(m[m != 255])] += 1
                out['pixels'] = pixels.tolist()
                out['frames_with_class'] = frames.tolist()
        except Exception as err:
            out['errors'].append(
                dict(kind=classify(err), step='masks', message=str(err)))
    if 'audio' in loaders:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always', AudioPaddingWarning)
            try:
                loaders['audio'](copy.deepcopy(info))
            except Exception as err:
                out['errors'].append(
                    dict(kind=classify(err), step='audio', message=str(err)))
        for w in caught:
            if issubclass(w.category, AudioPaddingWarning):
                out['warnings'].append(
                    dict(kind='short_audio', message=str(w.message)))
    else:
        out['warnings'].append(
            dict(
                kind='no_audio_loader',
                message='the pipeline has no LoadAVAudio: audio not '
                'checked'))
    return out


def official_counts(dataset) -> List[dict]:
    """Rows of :data:`OFFICIAL_COUNTS` that apply to ``dataset``."""
    name = type(dataset).__name__
    if name == 'AVSSDataset':
        return [
            dict(key=f'{name}:{s}', subset=s, **OFFICIAL_COUNTS[
                f'{name}:{s}']) for s in dataset.subsets
        ]
    if name in OFFICIAL_COUNTS:
        return [dict(key=name, subset=None, **OFFICIAL_COUNTS[name])]
    return []


def check_split(dataset, loaders: dict, split: str) -> dict:
    """Check every clip of one dataset."""
    classes = list(dataset.metainfo.get('classes', ()))
    num_classes = max(len(classes), 1)
    report = dict(
        split=split,
        dataset=type(dataset).__name__,
        ann_file=dataset.ann_file,
        clips=len(dataset),
        clips_with_errors=0,
        errors=defaultdict(list),
        warnings=defaultdict(list),
        categories=Counter(),
        subsets=Counter())
    pixels = np.zeros(num_classes, np.int64)
    frames = np.zeros(num_classes, np.int64)
    for idx in range(len(dataset)):
        info = dataset.get_data_info(idx)
        report['categories'][str(info.get('category', ''))] += 1
        if 'subset' in info:
            report['subsets'][str(info['subset'])] += 1
        result = check_clip(info, loaders, num_classes)
        if result['errors']:
            report['clips_with_errors'] += 1
        for e in result['errors']:
            report['errors'][e['kind']].append(
                dict(clip=result['clip'], step=e['step'],
                     message=e['message']))
        for w in result['warnings']:
            report['warnings'][w['kind']].append(
                dict(clip=result['clip'], message=w['message']))
        if 'pixels' in result:
            n = len(result['pixels'])
            if n > len(pixels):
                pixels = np.pad(pixels, (0, n - len(pixels)))
                frames = np.pad(frames, (0, n - len(frames)))
            pixels[:n] += result['pixels']
            frames[:n] += result['frames_with_class']
    names = classes + [f'class {k}' for k in range(len(classes), len(pixels))]
    report['mask_classes'] = {
        names[k]: dict(frames=int(frames[k]), pixels=int(pixels[k]))
        for k in range(len(pixels)) if frames[k] or pixels[k]
    }
    report['errors'] = dict(report['errors'])
    report['warnings'] = dict(report['warnings'])
    report['categories'] = dict(sorted(report['categories'].items()))
    report['subsets'] = dict(sorted(report['subsets'].items()))
    report['official'] = []
    for row in official_counts(dataset):
        have = (report['subsets'].get(row['subset'], 0)
                if row['subset'] else len(dataset))
        want = row['counts'].get(split)
        report['official'].append(
            dict(
                subset=row['subset'] or '',
                clips=have,
                official=want,
                matches=have == want,
                source=row['source']))
    return report


def _print(report: dict, max_listed: int) -> None:
    head = (f'== {report["split"]}: {report["dataset"]} ({report["ann_file"]}'
            f'): {report["clips"]} clip(s), {report["clips_with_errors"]} '
            'with errors')
    print(head)
    for row in report['official']:
        sub = f' {row["subset"]}' if row['subset'] else ''
        mark = 'ok' if row['matches'] else 'DIFFERS'
        print(f'   clips{sub}: {row["clips"]} (official {row["official"]}, '
              f'{mark}; {row["source"]})')
    for kind in ERROR_KINDS:
        items = report['errors'].get(kind, [])
        if not items:
            continue
        print(f'   ERROR {kind}: {len(items)}')
        for item in items[:max_listed]:
            print(f'     {item["clip"]} [{item["step"]}] {item["message"]}')
        if len(items) > max_listed:
            print(f'     ... and {len(items) - max_listed} more')
    for kind, items in report['warnings'].items():
        print(f'   warning {kind}: {len(items)}')
        for item in items[:max_listed]:
            print(f'     {item["clip"]} {item["message"]}')
    if report['categories'] and set(report['categories']) != {''}:
        cats = ', '.join(f'{k}: {v}' for k, v in report['categories'].items())
        print(f'   clips per category: {cats}')
    if report['subsets']:
        print(f'   clips per subset: {report["subsets"]}')
    if report['mask_classes']:
        cls = ', '.join(f'{k}: {v["frames"]} frames / {v["pixels"]} px'
                        for k, v in report['mask_classes'].items())
        print(f'   mask classes: {cls}')


def main(argv=None) -> int:
    args = parse_args(argv)
    from mmavs.registry import DATASETS
    from mmavs.utils import load_config, register_all_modules
    cfg = load_config(args.config, args.cfg_options)
    register_all_modules()
    reports, seen = [], []
    for split in args.splits:
        loader_cfg = cfg.get(f'{split}_dataloader', None)
        if not loader_cfg or not loader_cfg.get('dataset'):
            continue
        ds_cfg = copy.deepcopy(_inner_dataset_cfg(loader_cfg['dataset']))
        pipeline = list(ds_cfg.get('pipeline', []))
        ds_cfg['pipeline'] = []
        if repr(ds_cfg) in seen:
            continue
        seen.append(repr(ds_cfg))
        try:
            dataset = DATASETS.build(ds_cfg)
        except Exception as err:
            report = dict(
                split=split,
                dataset=str(ds_cfg.get('type')),
                ann_file=str(ds_cfg.get('ann_file', '')),
                clips=0,
                clips_with_errors=0,
                errors=dict(data_list=[
                    dict(
                        clip='-',
                        step='dataset',
                        message=f'{type(err).__name__}: {err}')
                ]),
                warnings={},
                categories={},
                subsets={},
                mask_classes={},
                official=[])
            _print(report, args.max_listed)
            reports.append(report)
            continue
        loaders = build_loaders(pipeline)
        report = check_split(dataset, loaders, split)
        _print(report, args.max_listed)
        reports.append(report)
    if not reports:
        raise SystemExit(f'{args.config}: no dataloader of {args.splits}')
    num_errors = sum(
        len(v) for r in reports for v in r['errors'].values())
    count_mismatch = [
        (r['split'], row) for r in reports for row in r['official']
        if not row['matches']
    ]
    failed = num_errors > 0 or (args.strict_counts and count_mismatch)
    summary = dict(
        config=args.config,
        errors=num_errors,
        count_mismatches=len(count_mismatch),
        status='failed' if failed else 'ok',
        splits=reports)
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(summary, f, indent=1)
    print(f'== {num_errors} error(s) in '
          f'{sum(r["clips_with_errors"] for r in reports)} clip(s); '
          f'{len(count_mismatch)} split count(s) differ from the official '
          f'ones{" (errors: --strict-counts)" if args.strict_counts else ""}'
          f'; status: {summary["status"]}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
