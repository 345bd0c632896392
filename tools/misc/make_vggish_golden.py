# Copyright (c) mmavs contributors. All rights reserved.
"""Write the golden VGGish log-mel examples of one recording.

The golden file pins mmavs's VGGish front-end (reading, mono, resampling to
16 kHz, STFT, mel, log, framing into 0.96 s examples) to the output of the
official PyTorch port of the AudioSet VGGish front-end,
``torchvggish.vggish_input.wavfile_to_examples`` (harritaylor/torchvggish).
The tests compare with this file; they never import torchvggish.

The script fetches nothing and is not part of mmavs: it needs a local
checkout of torchvggish (``git clone
https://github.com/harritaylor/torchvggish``) and its dependencies (numpy,
resampy, soundfile, torch), and reads the recording given. To stay small
(about 8 KB), the file keeps the rows ``--frames`` of every example, all
64 mel bands, as float32, together with the shape of the full output, the
recording's SHA-256 and the torchvggish commit.

Example::

    python tools/misc/make_vggish_golden.py /tmp/torchvggish \
        ../shared/data/unseen_audio/sheep_segment.wav \
        tests/golden/vggish_golden_sheep_segment.npz
"""
import argparse
import hashlib
import importlib
import os.path as osp
import subprocess
import sys

import numpy as np

#: Rows kept of every 96-row example: the first, the last and four between.
DEFAULT_FRAMES = (0, 19, 38, 57, 76, 95)


def parse_args():
    parser = argparse.ArgumentParser(
        description='Golden VGGish log-mel examples from torchvggish')
    parser.add_argument('torchvggish', help='path of a torchvggish checkout')
    parser.add_argument('audio', help='the recording (wav, 16-bit PCM)')
    parser.add_argument('out', help='output .npz file')
    parser.add_argument(
        '--frames',
        type=int,
        nargs='+',
        default=list(DEFAULT_FRAMES),
        help='rows (10 ms frames) kept of every example')
    return parser.parse_args()


def sha256(path: str) -> str:
    """SHA-256 hex digest of a file."""
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def main():
    args = parse_args()
    checkout = osp.abspath(args.torchvggish)
    if not osp.isfile(osp.join(checkout, 'torchvggish', 'vggish_input.py')):
        sys.exit(f'{checkout} is not a torchvggish checkout '
                 '(torchvggish/vggish_input.py not found)')
    sys.path.insert(0, checkout)
    vggish_input = importlib.import_module('torchvggish.vggish_input')
    examples = vggish_input.wavfile_to_examples(
        args.audio, return_tensor=False)
    examples = np.asarray(examples, dtype=np.float32)
    frames = np.asarray(args.frames, dtype=np.int64)
    if examples.ndim != 3 or frames.min() < 0 or \
            frames.max() >= examples.shape[1]:
        sys.exit(f'examples of shape {examples.shape}: frames {args.frames} '
                 'out of range')
    commit = subprocess.run(['git', '-C', checkout, 'rev-parse', 'HEAD'],
                            capture_output=True,
                            text=True).stdout.strip()
    np.savez_compressed(
        args.out,
        examples=examples[:, frames],
        frames=frames,
        full_shape=np.asarray(examples.shape, dtype=np.int64),
        recording=np.asarray(osp.basename(args.audio)),
        sha256=np.asarray(sha256(args.audio)),
        torchvggish_commit=np.asarray(commit or 'unknown'))
    print(f'{args.out}: {examples.shape[0]} examples x rows {args.frames} '
          f'of {osp.basename(args.audio)} (torchvggish {commit or "?"})')


if __name__ == '__main__':
    main()
