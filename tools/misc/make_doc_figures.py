# Copyright (c) mmavs contributors. All rights reserved.
"""Make the pictures of ``docs/en/user_guides/inference.md`` from SynthAVS
models trained here.

    python tools/misc/make_doc_figures.py [--work-dir work_dirs/doc_figures]
        [--skip-train] [--out-dir docs/en/_static/inference]

Steps (each command is printed before it runs, one compute thread each):

1. ``make_synthavs.py --ensure`` (generate or reuse ``data/synthavs``);
2. train the tiny RAVS (MS3-like) config for its own 300 iterations and
   the tiny robust TPAVI (S4-like) for 800 (at 300 it still predicts
   nothing under any audio), seed 0 (``--skip-train`` reuses the
   checkpoints of an earlier run);
3. turn the SynthAVS test clip ``ms3_test_0003`` (its 5 frames and its wav)
   into an ordinary H.264 + AAC video at 4 fps (each frame shown for its
   second) and run ``demo/video_demo.py`` on it;
4. run ``visualize_maps.py``, ``robust_conditions.py``,
   ``similarity_hist.py`` and ``browse_dataset.py``;
5. copy the PNGs to ``--out-dir``, quantized to 256 colours (each well
   under 150 KB).
"""
import argparse
import os
import os.path as osp
import shlex
import subprocess
import sys
from fractions import Fraction

import numpy as np

RAVS = 'configs/ravs/ravs_simpleconv_1xb4-300it_synthavs-ms3-64x64.py'
ROBUST = ('configs/robust/'
          'robust-tpavi_simpleconv_1xb4-300it_synthavs-s4-64x64.py')
MS3_CLIP = 'ms3_test_0003'
S4_CLIP = 's4_test_0000'
TRAIN_CLIP = 'ms3_train_0000'
ROBUST_ITERS = 800
MS3_ROOT = 'data/synthavs/Multi-sources/ms3_data'


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--work-dir', default='work_dirs/doc_figures')
    parser.add_argument('--out-dir', default='docs/en/_static/inference')
    parser.add_argument(
        '--skip-train',
        action='store_true',
        help='reuse the checkpoints of an earlier run in --work-dir')
    return parser.parse_args()


def run(*args: str) -> None:
    """Run a repository script with this interpreter, printing it."""
    print('+ python ' + ' '.join(shlex.quote(a) for a in args), flush=True)
    subprocess.run([sys.executable] + list(args), check=True)


def clip_video(clip_id: str, out: str, fps: int = 4) -> str:
    """A SynthAVS clip (one frame per second + its wav) as an MP4 with an
    AAC audio track, each frame shown ``fps`` times."""
    import mmcv
    import soundfile as sf

    from mmavs.apis import VideoWriter, list_frame_files
    frames = [
        mmcv.imread(f, channel_order='rgb') for f in list_frame_files(
            osp.join(MS3_ROOT, 'visual_frames', clip_id))
    ]
    wave, rate = sf.read(
        osp.join(MS3_ROOT, 'audio_wav', 'test', f'{clip_id}.wav'))
    height, width = frames[0].shape[:2]
    with VideoWriter(
            out, width, height, Fraction(1, fps), fps,
            audio_rate=rate) as writer:
        writer.write_audio(np.asarray(wave), rate)
        for s, frame in enumerate(frames):
            for k in range(fps):
                writer.write_frame(frame, s * fps + k)
    return out


def shrink_png(src: str, dst: str) -> None:
    """Copy a PNG as a 256-colour palette image."""
    from PIL import Image
    image = Image.open(src).convert('RGB')
    image.quantize(256, dither=Image.Dither.NONE).save(dst, optimize=True)
    print(f'{dst}: {os.path.getsize(dst) / 1024:.0f} KB')


def main() -> None:
    args = parse_args()
    os.environ.setdefault('OMP_NUM_THREADS', '1')
    work = args.work_dir
    run('tools/dataset_converters/make_synthavs.py', '--ensure')
    ckpts = {}
    robust_opts = [
        f'train_cfg.max_iters={ROBUST_ITERS}', 'train_cfg.val_interval=100000',
        'default_hooks.checkpoint.interval=100000'
    ]
    for name, config, opts in (('ravs', RAVS, []), ('robust', ROBUST,
                                                    robust_opts)):
        work_dir = osp.join(work, name)
        if not args.skip_train:
            run('tools/train.py', config, '--work-dir', work_dir,
                '--cfg-options', 'randomness.seed=0',
                'train_dataloader.num_workers=1', *opts)
        with open(osp.join(work_dir, 'last_checkpoint')) as f:
            ckpts[name] = f.read().strip()
    video = clip_video(MS3_CLIP, osp.join(work, f'{MS3_CLIP}.mp4'))
    print(f'wrote {video} (5 s, 4 fps, H.264 + AAC)')
    run('demo/video_demo.py', RAVS, ckpts['ravs'], video, '--out',
        osp.join(work, f'{MS3_CLIP}_overlay.mp4'), '--frames-dir',
        osp.join(work, 'frames'), '--show-maps')
    figures = {}
    for name, rows in (('overlay', ['frame', 'gt', 'pred']),
                       ('uncertainty', ['frame', 'pred', 'uncertainty']),
                       ('groups', ['frame', 'gt', 'groups'])):
        figures[name] = osp.join(work, f'{name}.png')
        run('tools/analysis_tools/visualize_maps.py', RAVS, ckpts['ravs'],
            '--clip', MS3_CLIP, '--rows', *rows, '--out', figures[name])
    figures['robust_conditions'] = osp.join(work, 'robust_conditions.png')
    run('tools/analysis_tools/robust_conditions.py', ROBUST, ckpts['robust'],
        '--clip', S4_CLIP, '--out', figures['robust_conditions'])
    figures['similarity_hist'] = osp.join(work, 'similarity_hist.png')
    run('tools/analysis_tools/similarity_hist.py', ROBUST, ckpts['robust'],
        '--labels', f'after {ROBUST_ITERS} iterations', '--init', '--out',
        figures['similarity_hist'])
    run('tools/analysis_tools/browse_dataset.py', RAVS, '--split', 'train',
        '--clips', TRAIN_CLIP, '--out-dir', osp.join(work, 'browse'))
    figures['browse_dataset'] = osp.join(work, 'browse', f'{TRAIN_CLIP}.png')
    os.makedirs(args.out_dir, exist_ok=True)
    for name, path in figures.items():
        shrink_png(path, osp.join(args.out_dir, f'{name}.png'))


if __name__ == '__main__':
    main()
