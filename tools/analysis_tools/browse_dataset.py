# Copyright (c) mmavs contributors. All rights reserved.
"""Browse a dataset after its pipeline: frames, masks and the audio's
log-mel spectrogram side by side.

    python tools/analysis_tools/browse_dataset.py CONFIG [--split train] \
        [--clips ID ...] [--num 3] [--out-dir browse/]

For each clip, one PNG ``OUT_DIR/<clip>.png``: the frames and ground-truth
masks as the pipeline leaves them (resized, cropped, flipped, photometric
changes of the train pipeline; dataset palette, unannotated pixels grey)
and, under them on the same time axis, the audio input of the clip: the
VGGish log-mel examples themselves (``representation='vggish'``), the
log-mel spectrogram of the waveform windows (``'waveform'``, 64 mel
bands, for display), or the precomputed features (``'feature'``).
"""
import argparse
import os.path as osp

import numpy as np
from mmengine.config import DictAction


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='config file')
    parser.add_argument(
        '--split', default='train', choices=['train', 'val', 'test'])
    parser.add_argument('--data-root', help='dataset root (default: config)')
    parser.add_argument('--clips', nargs='+', help='clip ids')
    parser.add_argument(
        '--num', type=int, default=3, help='number of clips without --clips')
    parser.add_argument('--out-dir', default='browse_dataset')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args()


def audio_loader(dataset):
    """The LoadAVAudio transform of a dataset's pipeline."""
    from mmavs.datasets.transforms import LoadAVAudio
    inner = dataset
    while not hasattr(inner, 'pipeline') and hasattr(inner, 'dataset'):
        inner = inner.dataset
    if not hasattr(inner, 'pipeline') and hasattr(inner, 'dataset'):
        inner = inner.dataset
    for transform in getattr(inner.pipeline, 'transforms', []):
        if isinstance(transform, LoadAVAudio):
            return transform
    raise KeyError('the dataset pipeline has no LoadAVAudio')


def audio_image(audio: np.ndarray, representation: str,
                sample_rate) -> np.ndarray:
    """``[bins, steps]`` picture of a clip's audio input ``[T, ...]``."""
    if representation == 'vggish':  # [T, k, 96, 64] log-mel examples
        return audio.reshape(-1, audio.shape[-1]).T
    if representation == 'waveform':  # [T, (C,) L] windows
        import librosa
        wave = audio.reshape(audio.shape[0], -1, audio.shape[-1]).mean(1)
        mel = librosa.feature.melspectrogram(
            y=wave.reshape(-1).astype(np.float32), sr=int(sample_rate),
            n_mels=64)
        return librosa.power_to_db(mel)
    return audio.reshape(audio.shape[0], -1).T  # precomputed features


def main() -> None:
    args = parse_args()
    from mmavs.apis import build_split_dataset, find_clip, frames_of, gt_image
    from mmavs.utils import load_config
    from mmavs.visualization import save_spectrogram_strip
    cfg = load_config(args.config, args.cfg_options)
    dataset = build_split_dataset(cfg, args.split, args.data_root)
    loader = audio_loader(dataset)
    palette = dataset.metainfo['palette']
    indices = ([find_clip(dataset, c) for c in args.clips] if args.clips else
               list(range(min(args.num, len(dataset)))))
    for idx in indices:
        packed = dataset[idx]
        samples = packed['data_samples']
        clip_id = samples[0].metainfo['clip_id']
        frames = frames_of(packed)
        masks = [
            gt_image(s.gt_sem_seg.data[0].numpy(), palette)
            if 'gt_sem_seg' in s else np.full_like(f, 128)
            for s, f in zip(samples, frames)
        ]
        audio = packed['inputs']['audio'].numpy()
        image = audio_image(audio, loader.representation, loader.sample_rate)
        condition = samples[0].metainfo.get('audio_condition', 'positive')
        out = osp.join(args.out_dir, f'{clip_id}.png')
        save_spectrogram_strip(
            frames,
            masks,
            image,
            out,
            title=f'{clip_id} ({args.split}; audio: '
            f'{loader.representation}, {condition})')
        print(f'written {out}')


if __name__ == '__main__':
    main()
