# Copyright (c) mmavs contributors. All rights reserved.
"""Fill the audio cache of a config (see :mod:`mmavs.datasets.audio_cache`).

For every sample of the config's train / val / test datasets, computes the
audio input its ``LoadAVAudio`` returns (VGGish examples, waveform windows
at 48 kHz for HTSAT, ...) and stores it under a key made of the loader's
parameters, the sample's audio keys and its files (path, size, mtime).
Dataset wrappers are walked as configured: the AVSBench-Robust negatives
(silence, noise with its per-sample seed, off-screen audio, recordings) of
``RobustAVSDataset`` are cached like the positives. Entries that exist are
kept (a rerun only adds what is missing); a sample whose audio cannot be
computed (missing or short file) is reported and the run goes on; the exit
status is 1 if any sample failed.

Then train with the cache::

    python tools/dataset_converters/cache_audio.py CONFIG \\
        --cache-dir data/audio_cache --workers 8
    python tools/train.py CONFIG --cfg-options audio_cache.dir=data/audio_cache

A sample missing from the cache then stops the run with an error naming the
clip (``audio_cache.on_miss=compute`` computes it on the fly instead, and
counts it).
"""
import argparse
import copy
import os
import os.path as osp
import sys
from typing import List, Tuple

from mmavs.utils import add_cfg_options_arg

SPLITS = ('train', 'val', 'test')

_STATE = {}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Precompute the audio inputs of a config into the audio '
        'cache')
    parser.add_argument('config', help='config file')
    parser.add_argument(
        '--cache-dir',
        help='cache folder (default: the config\'s audio_cache.dir)')
    parser.add_argument(
        '--splits',
        nargs='+',
        choices=SPLITS,
        default=list(SPLITS),
        help='dataloaders whose datasets are cached')
    parser.add_argument(
        '--workers', type=int, default=4, help='worker processes')
    parser.add_argument(
        '--no-progress', action='store_true', help='no progress bar')
    add_cfg_options_arg(parser)
    return parser.parse_args(argv)


def _cache_one(task: Tuple[int, int]) -> dict:
    """Compute and store the entry of one sample (in a worker)."""
    from mmavs.datasets.audio_cache import cache_sample
    ds_index, idx = task
    dataset, loader, split = _STATE['datasets'][ds_index]
    try:
        status = cache_sample(dataset, loader, idx, _STATE['cache_dir'])
        return dict(status=status, split=split)
    except Exception as err:  # report and go on
        clip = '?'
        try:
            clip = dataset.get_data_info(idx).get('clip_id', '?')
        except Exception:
            pass
        return dict(
            status='error',
            split=split,
            index=idx,
            clip=clip,
            error=f'{type(err).__name__}: {err}')


def build_datasets(cfg, splits) -> List[tuple]:
    """``(dataset, audio loader without cache, split)`` per distinct
    dataloader dataset of ``splits``."""
    from mmavs.datasets.audio_cache import find_audio_loader
    from mmavs.registry import DATASETS
    out, seen = [], []
    for split in splits:
        loader_cfg = cfg.get(f'{split}_dataloader', None)
        if not loader_cfg or not loader_cfg.get('dataset'):
            continue
        ds_cfg = copy.deepcopy(loader_cfg['dataset'])
        text = repr(ds_cfg)
        if text in seen:  # e.g. val and test read the same split
            continue
        seen.append(text)
        dataset = DATASETS.build(ds_cfg)
        loader = find_audio_loader(dataset)
        compute = copy.copy(loader)
        compute.cache = None
        out.append((dataset, compute, split))
    return out


def main(argv=None) -> int:
    args = parse_args(argv)
    from mmengine.utils import track_parallel_progress, track_progress

    from mmavs.utils import load_config, register_all_modules
    cfg = load_config(args.config, args.cfg_options)
    cache_dir = args.cache_dir or (cfg.get('audio_cache', None)
                                   or {}).get('dir')
    if not cache_dir:
        raise SystemExit('give --cache-dir (or audio_cache.dir in the '
                         'config)')
    register_all_modules()
    datasets = build_datasets(cfg, args.splits)
    if not datasets:
        raise SystemExit(f'{args.config}: no dataloader of {args.splits}')
    _STATE.update(datasets=datasets, cache_dir=cache_dir)
    tasks = [(d, i) for d, (ds, _, _) in enumerate(datasets)
             for i in range(len(ds))]
    for ds, loader, split in datasets:
        print(f'[cache_audio] {split}: {type(ds).__name__}, {len(ds)} '
              f'sample(s), {loader!r}')
    out = open(os.devnull, 'w') if args.no_progress else sys.stdout
    if args.workers > 0:
        results = track_parallel_progress(
            _cache_one, tasks, nproc=args.workers, file=out)
    else:
        results = track_progress(_cache_one, tasks, file=out)
    print()
    paths = [
        osp.join(d, f) for d, _, files in os.walk(cache_dir) for f in files
        if f.endswith('.npz')
    ]
    size = sum(osp.getsize(p) for p in paths)
    errors = [r for r in results if r['status'] == 'error']
    for split in dict.fromkeys(r['split'] for r in results):
        mine = [r for r in results if r['split'] == split]
        print(f'[cache_audio] {split}: '
              f'{sum(r["status"] == "written" for r in mine)} written, '
              f'{sum(r["status"] == "exists" for r in mine)} already '
              f'cached, {sum(r["status"] == "error" for r in mine)} '
              'failed')
    print(f'[cache_audio] the cache holds {len(paths)} entries '
          f'({size / 2**20:.1f} MiB) in {cache_dir}')
    for err in errors[:20]:
        print(f'  FAILED {err["split"]} sample {err["index"]} (clip '
              f'{err["clip"]}): {err["error"]}')
    if len(errors) > 20:
        print(f'  ... and {len(errors) - 20} more')
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
