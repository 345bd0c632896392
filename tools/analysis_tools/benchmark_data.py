# Copyright (c) mmavs contributors. All rights reserved.
"""Benchmark the data pipeline of a config and the VGGish front-end.

Prints

1. clips/s through the full training pipeline of ``train_dataloader`` (all
   transforms, ending with ``PackAVSInputs`` when it is importable) for each
   number of dataloader workers, and the rate per worker;
2. with ``--audio-cache``: the same with the audio inputs read from the
   audio cache (filled first, see ``tools/dataset_converters/
   cache_audio.py``), and clips/s of the audio loader alone, on the fly and
   from the cache, in one process (the speed-up of the audio part);
3. VGGish log-mel examples/s of the audio front-end (file reading, mono,
   resampling to 16 kHz, log-mel, framing) on real recordings, with the
   reference resampler (``kaiser_best``) and a fast one (``soxr_hq``).

Examples::

    # real data, as configured
    python tools/analysis_tools/benchmark_data.py \
        configs/_base_/datasets/avsbench_s4.py --workers 0 1 2
    # no download at hand: a generated tree in the S4 layout (224 x 224
    # PNG frames, 5 s 16 kHz wav), written to a temporary folder
    python tools/analysis_tools/benchmark_data.py \
        configs/_base_/datasets/avsbench_s4.py --fixture s4 --num-clips 40
    # on-the-fly audio vs the audio cache (a temporary cache folder)
    python tools/analysis_tools/benchmark_data.py \
        configs/_base_/datasets/avsbench_s4.py --fixture s4 --workers 1 \
        --audio-cache auto --skip-vggish
"""
import argparse
import copy
import os.path as osp
import shutil
import sys
import tempfile
import time
from typing import List

from mmengine.config import Config

from mmavs.utils import add_cfg_options_arg


def parse_args():
    parser = argparse.ArgumentParser(
        description='Benchmark the mmavs data pipeline and VGGish front-end')
    parser.add_argument('config', help='config with a train_dataloader')
    parser.add_argument(
        '--num-clips',
        type=int,
        default=40,
        help='clips timed per worker setting (after warm-up)')
    parser.add_argument(
        '--workers',
        type=int,
        nargs='+',
        default=[0, 1, 2],
        help='numbers of dataloader workers to time')
    parser.add_argument(
        '--fixture',
        choices=['s4', 'ms3', 'avss', 'vpo'],
        default=None,
        help='generate a tree in this layout instead of reading data_root')
    parser.add_argument(
        '--fixture-clips',
        type=int,
        default=8,
        help='clips of the generated tree (they are cycled)')
    parser.add_argument(
        '--fixture-size',
        type=int,
        default=224,
        help='frame size of the generated tree')
    parser.add_argument(
        '--audio-files',
        nargs='*',
        default=None,
        help='recordings for the VGGish rate (default: four 5 s stereo '
        '44.1 kHz recordings of SynthAVS procedural sounds, written to a '
        'temporary folder)')
    parser.add_argument(
        '--audio-repeats',
        type=int,
        default=2,
        help='passes over the recordings per resampler')
    parser.add_argument(
        '--fixture-sample-rate',
        type=int,
        default=16000,
        help='sample rate of the generated tree\'s wav files (16000 as '
        'AVSBench; e.g. 44100 to time resampling)')
    parser.add_argument(
        '--audio-cache',
        help='also time the pipeline with the audio cache in this folder '
        '(filled first; "auto": a temporary folder)')
    parser.add_argument(
        '--skip-pipeline',
        action='store_true',
        help='only time the VGGish front-end')
    parser.add_argument(
        '--skip-vggish',
        action='store_true',
        help='do not time the VGGish front-end on recordings')
    add_cfg_options_arg(parser)
    return parser.parse_args()


def _make_fixture(layout: str,
                  root: str,
                  clips: int,
                  size: int,
                  sample_rate: int = 16000) -> dict:
    """Write a generated tree; return dataset overrides for it."""
    from mmavs.testing import fixtures
    shape = (size, size)
    if layout == 's4':
        fixtures.make_s4_fixture(
            root, dict(train=clips), size=shape, sample_rate=sample_rate)
    elif layout == 'ms3':
        fixtures.make_ms3_fixture(
            root, dict(train=clips), size=shape, sample_rate=sample_rate)
    elif layout == 'avss':
        labels = ('v1s', 'v1m', 'v2')
        fixtures.make_avss_fixture(
            root, [(labels[i % 3], 'train') for i in range(clips)],
            size=shape,
            sample_rate=sample_rate)
    else:
        fixtures.make_vpo_fixture(
            root, size=shape, sample_rate=sample_rate, audio_seconds=10.0)
        return dict(
            data_root=root,
            data_prefix=dict(
                img_path='data', seg_map_path='mask', audio_path='audios'))
    return dict(data_root=root)


def _pipeline_ends_with_pack(pipeline: List[dict]) -> List[dict]:
    """Drop PackAVSInputs if it cannot be imported (then time up to the
    last transform before it)."""
    try:
        from mmavs.datasets.transforms.formatting import \
            PackAVSInputs  # noqa: F401
        return pipeline
    except ImportError:
        print('PackAVSInputs is not importable: timing up to the transform '
              'before it')
        return [t for t in pipeline if t.get('type') != 'PackAVSInputs']


def _build_train_dataset(cfg):
    from mmengine.registry import init_default_scope

    from mmavs.registry import DATASETS
    init_default_scope('mmavs')
    ds_cfg = copy.deepcopy(cfg.train_dataloader.dataset)
    ds_cfg['pipeline'] = _pipeline_ends_with_pack(list(ds_cfg['pipeline']))
    return DATASETS.build(ds_cfg), ds_cfg


def bench_pipeline(cfg, num_clips: int, workers: List[int]) -> List[float]:
    """Time clips/s of the training dataset for each worker count.

    Returns:
        list[float]: clips/s per worker (per process for 0 workers), one
        per entry of ``workers``.
    """
    import torch
    dataset, ds_cfg = _build_train_dataset(cfg)
    n = len(dataset)
    print(f'dataset: {type(dataset).__name__}, {n} clips, '
          f'T={dataset.num_frames}')
    print('pipeline: ' + ' -> '.join(t['type'] for t in ds_cfg['pipeline']))
    indices = [i % n for i in range(num_clips)]
    rates = []
    for w in workers:
        loader = torch.utils.data.DataLoader(
            torch.utils.data.Subset(dataset, indices),
            batch_size=1,
            num_workers=w,
            collate_fn=lambda batch: batch,
            persistent_workers=False)
        # warm-up: worker start, numba/resampy JIT, first file opens
        warm = torch.utils.data.DataLoader(
            torch.utils.data.Subset(dataset, indices[:max(1, w)]),
            batch_size=1,
            num_workers=w,
            collate_fn=lambda b: b)
        for _ in warm:
            pass
        start = time.perf_counter()
        count = 0
        for batch in loader:
            count += len(batch)
        elapsed = time.perf_counter() - start
        rate = count / elapsed
        per = rate / max(w, 1)
        print(f'workers={w}: {rate:7.2f} clips/s ({per:6.2f} clips/s per '
              f'{"worker" if w else "main process"}; {count} clips in '
              f'{elapsed:.2f} s)')
        rates.append(per)
    return rates


def bench_audio_cache(cfg, cache_dir: str, num_clips: int,
                      workers: List[int]) -> None:
    """Fill the audio cache, time the pipeline with it, and time the audio
    loader alone on the fly and from the cache."""
    from mmavs.datasets.audio_cache import (apply_audio_cache, cache_sample,
                                            find_audio_loader)
    plain, _ = _build_train_dataset(cfg)
    compute = copy.copy(find_audio_loader(plain))
    compute.cache = None
    start = time.perf_counter()
    written = sum(
        cache_sample(plain, compute, i, cache_dir) == 'written'
        for i in range(len(plain)))
    print(f'audio cache {cache_dir}: {written} entries written in '
          f'{time.perf_counter() - start:.2f} s')
    cached_cfg = copy.deepcopy(cfg)
    apply_audio_cache(cached_cfg, dict(dir=cache_dir))
    print('-- pipeline with the audio cache:')
    bench_pipeline(cached_cfg, num_clips, workers)
    cached, _ = _build_train_dataset(cached_cfg)
    reader = find_audio_loader(cached)
    infos = [plain.get_data_info(i % len(plain)) for i in range(num_clips)]
    rates = {}
    for name, loader in (('on the fly', compute), ('audio cache', reader)):
        loader(dict(infos[0]))  # warm-up (resampy compilation, first read)
        start = time.perf_counter()
        for info in infos:
            loader(dict(info))
        elapsed = time.perf_counter() - start
        rates[name] = len(infos) / elapsed
        print(f'audio loader alone, {name:11s}: {rates[name]:8.1f} clips/s '
              f'({len(infos)} clips in {elapsed:.3f} s; {compute!r})'
              if name == 'on the fly' else
              f'audio loader alone, {name:11s}: {rates[name]:8.1f} clips/s '
              f'({len(infos)} clips in {elapsed:.3f} s)')
    print(f'audio part: the cache is '
          f'{rates["audio cache"] / rates["on the fly"]:.1f}x faster')


def generated_recordings(folder: str,
                         num: int = 4,
                         seconds: int = 5,
                         sample_rate: int = 44100) -> List[str]:
    """Write ``num`` stereo recordings of SynthAVS procedural sounds (the
    rate and layout of typical real recordings, so the front-end resamples
    and downmixes as it would for them)."""
    import numpy as np

    from mmavs.datasets.layout_writers import write_wav
    from mmavs.synthavs.sounds import SOUND_CATEGORIES, ProceduralSoundBank
    bank = ProceduralSoundBank(len(SOUND_CATEGORIES), sample_rate=sample_rate)
    rng = np.random.default_rng(0)
    files = []
    for k, name in enumerate(bank.names[:num]):
        mono = np.concatenate([
            bank.render(k, int(rng.integers(3)), 0.0, -6.0, rng)[0]
            for _ in range(seconds)
        ])
        path = osp.join(folder, f'{name}.wav')
        files.append(
            write_wav(path, np.stack([mono, 0.8 * mono]), sample_rate))
    return files


def bench_vggish(files: List[str], repeats: int) -> None:
    """Time VGGish examples/s of the front-end on ``files``."""
    from mmavs.datasets.audio_features import waveform_to_vggish_examples
    from mmavs.datasets.audio_io import load_audio

    # warm-up (numba compilation of resampy)
    wave, sr = load_audio(files[0])
    waveform_to_vggish_examples(wave, sr)
    loaded = [load_audio(f) for f in files]
    seconds = sum(w.shape[-1] / r for w, r in loaded)
    print(f'VGGish front-end on {len(files)} recordings '
          f'({seconds:.1f} s of audio, rates '
          f'{sorted({r for _, r in loaded})} Hz):')
    for res_type in ('kaiser_best', 'soxr_hq'):
        examples = 0
        start = time.perf_counter()
        for _ in range(repeats):
            for f in files:
                wave, sr = load_audio(f)
                examples += len(
                    waveform_to_vggish_examples(wave, sr, res_type=res_type))
        elapsed = time.perf_counter() - start
        print(f'  res_type={res_type:11s}: {examples / elapsed:8.1f} '
              f'examples/s (read + mono + resample + log-mel; '
              f'{examples} examples in {elapsed:.2f} s)')
    # log-mel alone on 16 kHz audio
    waves = [load_audio(f, sample_rate=16000)[0] for f in files]
    examples = 0
    start = time.perf_counter()
    for _ in range(repeats):
        for w in waves:
            examples += len(waveform_to_vggish_examples(w, 16000))
    elapsed = time.perf_counter() - start
    print(f'  16 kHz input (no resampling): {examples / elapsed:8.1f} '
          'examples/s (log-mel + framing only)')


def main():
    args = parse_args()
    import mmavs  # noqa: F401  (installs the mmcv.ops fallback)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    tmp = None
    try:
        if not args.skip_pipeline:
            if args.fixture:
                tmp = tempfile.mkdtemp(prefix='mmavs_bench_')
                overrides = _make_fixture(args.fixture, tmp,
                                          args.fixture_clips,
                                          args.fixture_size,
                                          args.fixture_sample_rate)
                cfg.train_dataloader.dataset.update(overrides)
                print(f'generated {args.fixture} tree in {tmp} '
                      f'({args.fixture_size} px frames, '
                      f'{args.fixture_sample_rate} Hz wav)')
            print('-- pipeline with on-the-fly audio:')
            bench_pipeline(cfg, args.num_clips, args.workers)
            if args.audio_cache:
                cache_dir = args.audio_cache
                if cache_dir == 'auto':
                    tmp = tmp or tempfile.mkdtemp(prefix='mmavs_bench_')
                    cache_dir = osp.join(tmp, 'audio_cache')
                bench_audio_cache(cfg, cache_dir, args.num_clips,
                                  args.workers)
        if not args.skip_vggish:
            files = args.audio_files
            if not files:
                tmp = tmp or tempfile.mkdtemp(prefix='mmavs_bench_')
                files = generated_recordings(tmp)
            bench_vggish(files, args.audio_repeats)
    finally:
        if tmp and osp.isdir(tmp):
            shutil.rmtree(tmp)
    return 0


if __name__ == '__main__':
    sys.exit(main())
