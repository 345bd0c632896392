# Copyright (c) mmavs contributors. All rights reserved.
"""Benchmark DPC-KNN token grouping (:func:`mmavs.models.utils.dpc_knn`).

For the AMA maps of a 224 x 224 frame (N = 3136 tokens of C = 64 at 1/4,
784 x 128 at 1/8, 196 x 320 at 1/16, with 14 / 7 / 5 groups) it prints
the time per frame and the peak memory increase of a batch of frames,
unchunked (the whole N x N distance matrix at once), chunked with the
library's default block (``chunk_size=None``: the most rows under 2**25
elements) and chunked with blocks of ``--chunk-size`` query rows, and the
time of each run relative to the unchunked one of the same setting.

Peak memory is measured in a fresh subprocess per setting: the increase of
the peak resident set size (``ru_maxrss``) over the resident size just
before the call (CPU), or ``torch.cuda.max_memory_allocated`` (CUDA).

Example::

    python tools/analysis_tools/benchmark_dpc_knn.py --frames 10
"""
import argparse
import json
import resource
import subprocess
import sys
import time

SETTINGS = ((3136, 64, 14), (784, 128, 7), (196, 320, 5))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Benchmark DPC-KNN')
    parser.add_argument(
        '--frames', type=int, default=10, help='frames per call (B*T)')
    parser.add_argument('--k', type=int, default=5)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument(
        '--chunk-size',
        type=int,
        default=256,
        help='query rows per block of the chunked runs')
    parser.add_argument('--device', default='cpu')
    parser.add_argument(
        '--threads',
        type=int,
        default=None,
        help='torch CPU threads (default: torch default)')
    parser.add_argument('--_child', default=None, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def _rss_bytes() -> int:
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def run_one(args, tokens: int, channels: int, groups: int, chunk) -> dict:
    """Time one setting in this process and report its peak memory."""
    import torch

    import mmavs  # noqa: F401
    from mmavs.models.utils.dpc_knn import dpc_knn, dpc_knn_block_bytes
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(args.frames, tokens, channels, generator=gen).to(device)
    # chunk: None = unchunked, 0 = the library default, else rows
    chunk_rows = tokens if chunk is None else (chunk or None)
    if device.type == 'cuda':
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        base = torch.cuda.memory_allocated()
    else:
        base = _rss_bytes()
    times = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        dpc_knn(x, groups, k=args.k, chunk_size=chunk_rows)
        if device.type == 'cuda':
            torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    if device.type == 'cuda':
        peak = torch.cuda.max_memory_allocated() - base
    else:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - \
            base
    return dict(
        tokens=tokens,
        channels=channels,
        groups=groups,
        chunk=dpc_knn_block_bytes(args.frames, tokens, chunk_rows) //
        (4 * args.frames * tokens),
        ms_per_frame=1000 * sorted(times)[len(times) // 2] / args.frames,
        peak_mib=max(peak, 0) / 2**20,
        block_mib=dpc_knn_block_bytes(args.frames, tokens, chunk_rows) / 2**20)


def main(argv=None) -> None:
    args = parse_args(argv)
    if args._child is not None:
        tokens, channels, groups, chunk = json.loads(args._child)
        print(json.dumps(run_one(args, tokens, channels, groups, chunk)))
        return
    print(f'DPC-KNN, {args.frames} frames per call, k={args.k}, '
          f'device={args.device}, median of {args.repeats}')
    print(f'{"N":>5} {"C":>4} {"P":>3} {"mode":>18} {"ms/frame":>9} '
          f'{"x unchunked":>11} {"peak MiB":>9} {"block MiB":>10}')
    for tokens, channels, groups in SETTINGS:
        base = None
        for chunk in (None, 0, args.chunk_size):
            if chunk and chunk >= tokens:
                continue
            cmd = [
                sys.executable, __file__, '--_child',
                json.dumps([tokens, channels, groups, chunk]), '--frames',
                str(args.frames), '--k',
                str(args.k), '--repeats',
                str(args.repeats), '--device', args.device
            ]
            if args.threads:
                cmd += ['--threads', str(args.threads)]
            out = subprocess.run(
                cmd, check=True, capture_output=True, text=True).stdout
            res = json.loads(out.strip().splitlines()[-1])
            if chunk is None:
                mode, base = 'unchunked', res['ms_per_frame']
            elif chunk == 0:
                mode = f'default ({res["chunk"]} rows)'
            else:
                mode = f'chunk {chunk}'
            print(f'{tokens:>5} {channels:>4} {groups:>3} {mode:>18} '
                  f'{res["ms_per_frame"]:>9.2f} '
                  f'{res["ms_per_frame"] / base:>11.2f} '
                  f'{res["peak_mib"]:>9.1f} {res["block_mib"]:>10.1f}')


if __name__ == '__main__':
    main()
