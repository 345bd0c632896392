# Copyright (c) mmavs contributors. All rights reserved.
"""Writing SynthAVS in the official layouts of AVSBench.

Ground truth: binary masks (``s4``, ``ms3``) are the union of the objects
sounding in a frame (0/255 grayscale PNG); semantic masks (``avss``) give
each sounding object's pixels the colour of class ``k + 1`` of the
AVSBench 71-colour palette (:func:`mmavs.datasets.metainfo.avss_palette`,
background = index 0, black), where ``k`` is the 0-based category index.

Per-frame records (extra columns next to the official ones, all strings):
``case``, ``num_frames``, ``objects`` (categories of the visible objects,
``+``-joined, object order), ``sounding`` (per frame, ``|``-separated, the
``+``-joined indices of the sounding visible objects or ``-``), ``audible``
(per frame, the categories heard, on or off screen, or ``-``), ``pitch``
(per frame, the pitch level of each category of ``audible``, same order)
and ``levels`` (per frame, the brightness level of each visible object,
object order). ``synthavs_clips.json`` next to each CSV holds the full
record (object tracks, rendered seconds).

Official columns: ``s4_meta_data.csv`` has ``name, start, category, split``
(the official loader reads the name as column 0 and ``category``/``split``
by name; ``start`` is 0), where ``category`` (the path folder) is the first
category heard in the clip, on or off screen, else (silence) the first
visible one. ``ms3_meta_data.csv`` has ``video_id, split``. AVSS
``metadata.csv`` has ``vid, uid, s_min, s_sec, a_obj, split, label`` with
``uid = vid`` = the clip id, ``a_obj`` the ``+``-joined categories that
sound in view (``-`` if none) and ``label`` in ``v1s``/``v1m`` (5 frames)
or ``v2`` (10 frames); ``AVSS/label2idx.json`` lists ``background`` and the
categories with their class indices. Audio is 16 kHz mono 16-bit PCM, one
second per frame; frames are PNG (``s4``/``ms3``) or JPEG (``avss``).
"""
import json
import os
import os.path as osp
import shutil
import sys
import time
from typing import List, Optional, Sequence, Tuple

import cv2
import numpy as np

from mmavs.datasets.metainfo import avss_palette
from mmavs.datasets.layout_writers import (write_avss_clip, write_csv,
                                           write_log_mel_pkl, write_ms3_clip,
                                           write_s4_clip)
from .generator import SynthAVSGenerator, SynthClip
from .params import (CASE_TYPES, LAYOUT_CSVS, LAYOUT_DIRS, SPLITS,
                     SynthAVSParams)
from .renderer import level_values
from .stamp import CLIPS_JSON, stamp_key, write_stamp

__all__ = ['generate_synthavs', 'EXTRA_COLUMNS']

JPEG_PARAMS = (cv2.IMWRITE_JPEG_QUALITY, 95, cv2.IMWRITE_JPEG_SAMPLING_FACTOR,
               cv2.IMWRITE_JPEG_SAMPLING_FACTOR_444)
EXTRA_COLUMNS = ('case', 'num_frames', 'objects', 'sounding', 'audible',
                 'pitch', 'levels')
COLUMNS = {
    's4': ('name', 'start', 'category', 'split') + EXTRA_COLUMNS,
    'ms3': ('video_id', 'split') + EXTRA_COLUMNS,
    'avss': ('vid', 'uid', 's_min', 's_sec', 'a_obj', 'split', 'label') +
    EXTRA_COLUMNS,
}


def _join(items) -> str:
    items = [str(i) for i in items]
    return '+'.join(items) if items else '-'


def _extra_fields(clip: SynthClip, names: Sequence[str]) -> dict:
    T = clip.num_frames
    return dict(
        case=clip.case,
        num_frames=T,
        objects=_join(names[o.category] for o in clip.objects),
        sounding='|'.join(
            _join(i for i, o in enumerate(clip.objects) if o.sounding[t])
            for t in range(T)),
        audible='|'.join(
            _join(names[c] for c in frame) for frame in clip.audible),
        pitch='|'.join(_join(frame) for frame in clip.pitch),
        levels='|'.join(
            _join(int(o.levels[t]) for o in clip.objects) for t in range(T)))


def _clip_record(clip: SynthClip, names: Sequence[str]) -> dict:
    return dict(
        name=clip.name,
        split=clip.split,
        case=clip.case,
        label=clip.label,
        num_frames=clip.num_frames,
        category=names[clip.category],
        objects=[
            dict(
                category=names[o.category],
                radius=round(o.radius, 3),
                centers=np.round(o.centers, 3).tolist(),
                angle=round(o.angle, 3),
                hue=round(o.hue, 4),
                saturation=round(o.saturation, 4),
                levels=o.levels.tolist(),
                sounding=o.sounding.astype(int).tolist()) for o in clip.objects
        ],
        offscreen=[names[c] for c in clip.offscreen],
        audible=[[names[c] for c in frame] for frame in clip.audible],
        pitch=clip.pitch,
        audio_sources=clip.sources)


def _vggish_examples(wav_path: str, num_frames: int) -> np.ndarray:
    """The official ``audio_log_mel`` content: ``[T, 96, 64]`` VGGish
    log-mel examples of the written (16-bit) wav, as the AVSBench
    preprocessing computes them; a short result is padded with its last
    example."""
    from mmavs.datasets.audio_features import waveform_to_vggish_examples
    from mmavs.datasets.audio_io import load_audio
    audio, sr = load_audio(wav_path)
    examples = waveform_to_vggish_examples(audio, sr, source=wav_path)
    if len(examples) < num_frames:
        pad = np.repeat(examples[-1:], num_frames - len(examples), axis=0)
        examples = np.concatenate([examples, pad])
    return examples[:num_frames]


def _write_clip(root: str, clip: SynthClip, names: Sequence[str],
                all_train_masks: bool, write_log_mel: bool) -> dict:
    """Write one clip into its layout; return its metadata CSV row."""
    T = clip.num_frames
    extra = _extra_fields(clip, names)
    first_only = clip.split == 'train' and not all_train_masks and (
        clip.layout == 's4' or clip.label == 'v1s')
    masks = clip.semantic if clip.layout == 'avss' else clip.masks
    masks = [
        m if t == 0 or not first_only else None for t, m in enumerate(masks)
    ]
    if clip.layout == 'avss':
        clip_dir = osp.join(root, LAYOUT_DIRS['avss'], clip.label, clip.name)
        # JPEG frames as in AVSS, without chroma subsampling so that the
        # small saturated objects keep their colours
        os.makedirs(osp.join(clip_dir, 'frames'), exist_ok=True)
        for t, frame in enumerate(clip.frames):
            path = osp.join(clip_dir, 'frames', f'{t}.jpg')
            if not cv2.imwrite(path, np.ascontiguousarray(frame[..., ::-1]),
                               JPEG_PARAMS):
                raise OSError(f'could not write image {path}')
        write_avss_clip(
            osp.join(root, LAYOUT_DIRS['avss']),
            clip.name,
            clip.label, [],
            masks,
            clip.audio,
            clip.sample_rate,
            num_classes=max(71,
                            len(names) + 1))
        heard = sorted({o.category for o in clip.objects if o.sounding.any()})
        return dict(
            vid=clip.name,
            uid=clip.name,
            s_min=0,
            s_sec=0,
            a_obj=_join(names[c] for c in heard),
            split=clip.split,
            label=clip.label,
            **extra)
    if clip.layout == 's4':
        cat = names[clip.category]
        write_s4_clip(root, clip.name, cat, clip.split, clip.frames, masks,
                      clip.audio, clip.sample_rate)
        row = dict(
            name=clip.name, start=0, category=cat, split=clip.split, **extra)
        sub = osp.join(LAYOUT_DIRS['s4'], 's4_data', '{}', clip.split, cat,
                       clip.name)
    else:
        write_ms3_clip(root, clip.name, clip.split, clip.frames, masks,
                       clip.audio, clip.sample_rate)
        row = dict(video_id=clip.name, split=clip.split, **extra)
        sub = osp.join(LAYOUT_DIRS['ms3'], 'ms3_data', '{}', clip.split,
                       clip.name)
    if write_log_mel:
        wav = osp.join(root, sub.format('audio_wav') + '.wav')
        write_log_mel_pkl(
            osp.join(root,
                     sub.format('audio_log_mel') + '.pkl'),
            _vggish_examples(wav, T))
    return row


_WORKER = {}


def _worker_job(job: Tuple[str, str, int, str, str]) -> Tuple[dict, dict]:
    gen = _WORKER['gen']
    layout, split, index, case, label = job
    clip = gen.make_clip(layout, split, index, case, label)
    names = [c.name for c in gen.categories]
    p = gen.params
    row = _write_clip(_WORKER['root'], clip, names, p.all_train_masks,
                      p.write_log_mel)
    return row, _clip_record(clip, names)


class _SplitProgress:
    """One mmengine progress bar per ``layout/split`` (clips written),
    redrawn about 25 times per split so that logs stay short."""

    def __init__(self, jobs: List[tuple], enabled: bool) -> None:
        self.enabled = enabled
        self.totals = {}
        for job in jobs:
            self.totals[job[:2]] = self.totals.get(job[:2], 0) + 1
        self.current, self.bar, self.pending = None, None, 0

    def update(self, job: tuple) -> None:
        if not self.enabled:
            return
        from mmengine.utils import ProgressBar
        if job[:2] != self.current:
            self.close()
            self.current = job[:2]
            print(f'[synthavs] writing {job[0]}/{job[1]}: '
                  f'{self.totals[job[:2]]} clips')
            self.bar = ProgressBar(self.totals[job[:2]], file=sys.stdout)
        self.pending += 1
        total = self.totals[self.current]
        if (self.pending >= max(1, total // 25)
                or self.bar.completed + self.pending == total):
            self.bar.update(self.pending)
            self.pending = 0

    def close(self) -> None:
        if self.bar is not None:
            sys.stdout.write('\n')
            sys.stdout.flush()
            self.bar, self.pending = None, 0


def generate_synthavs(out_dir: str,
                      params: Optional[SynthAVSParams] = None,
                      num_workers: int = 0,
                      overwrite: bool = False,
                      progress: bool = False,
                      **kwargs) -> dict:
    """Generate SynthAVS into ``out_dir`` in the official layouts.

    Writes, below ``out_dir``:

    - ``Single-source/s4_meta_data.csv`` and ``Single-source/s4_data/
      {visual_frames,gt_masks}/{split}/{category}/{name}/{name}_{1..5}.png``,
      ``audio_wav/{split}/{category}/{name}.wav`` (train: only mask 1, as
      in AVSBench, unless ``all_train_masks``);
    - ``Multi-sources/ms3_meta_data.csv``, ``Multi-sources/ms3_data/
      visual_frames/{vid}/{vid}.mp4_{1..5}.png``, ``gt_masks/{split}/{vid}/
      {vid}_{1..5}.png``, ``audio_wav/{split}/{vid}.wav``;
    - ``AVSS/metadata.csv``, ``AVSS/label2idx.json`` and ``AVSS/{label}/
      {uid}/frames/{i}.jpg``, ``labels_rgb/{i}.png``, ``audio.wav`` (``v1s``
      train: only ``0.png``, unless ``all_train_masks``);
    - ``synthavs_clips.json`` per layout and ``synthavs_stamp.json``.

    Args:
        out_dir (str): Output root (``data/synthavs`` in the configs).
        params (SynthAVSParams, optional): The parameters, or give them as
            keyword arguments (``layouts``, ``seed``, ``num_train`` ...).
        num_workers (int): Worker processes (0: in this process). The
            output does not depend on it.
        overwrite (bool): Replace existing layout folders. Defaults to False.
        progress (bool): Print a progress bar per ``layout/split``.
        **kwargs: :class:`~mmavs.synthavs.params.SynthAVSParams` fields.

    Returns:
        dict: The stamp (parameters, categories, counts, seconds taken).
    """
    t0 = time.time()
    if params is None:
        params = SynthAVSParams.from_kwargs('generate_synthavs', **kwargs)
    elif kwargs:
        raise TypeError('generate_synthavs takes params or keyword '
                        'arguments for them, not both')
    for layout in params.layouts:
        path = osp.join(out_dir, LAYOUT_DIRS[layout])
        if osp.exists(path):
            if not overwrite:
                raise FileExistsError(
                    f'{path} exists; pass overwrite=True (--overwrite) to '
                    'replace it')
            shutil.rmtree(path)
    os.makedirs(out_dir, exist_ok=True)
    gen = SynthAVSGenerator(params)
    names = [c.name for c in gen.categories]
    _WORKER.update(gen=gen, root=out_dir)
    jobs = []
    for layout in params.layouts:
        for split in SPLITS:
            plan = gen.split_plan(layout, split, params.split_size(split))
            jobs += [(layout, split, i, case, label)
                     for i, (case, label) in enumerate(plan)]
    bars = _SplitProgress(jobs, progress)
    results = []
    try:
        if num_workers > 0:
            import multiprocessing as mp
            with mp.get_context('fork').Pool(num_workers) as pool:
                for job, res in zip(jobs,
                                    pool.imap(_worker_job, jobs, chunksize=4)):
                    results.append(res)
                    bars.update(job)
        else:
            for job in jobs:
                results.append(_worker_job(job))
                bars.update(job)
    finally:
        bars.close()
        _WORKER.clear()
    counts = {}
    for layout in params.layouts:
        mine = [res for res, job in zip(results, jobs) if job[0] == layout]
        records = [rec for _, rec in mine]
        layout_dir = osp.join(out_dir, LAYOUT_DIRS[layout])
        write_csv(
            osp.join(layout_dir, LAYOUT_CSVS[layout]), COLUMNS[layout],
            [row for row, _ in mine])
        with open(osp.join(layout_dir, CLIPS_JSON), 'w') as f:
            json.dump(records, f, indent=1)
        if layout == 'avss':
            with open(osp.join(layout_dir, 'label2idx.json'), 'w') as f:
                json.dump({
                    n: i
                    for i, n in enumerate(gen.class_names)
                },
                          f,
                          indent=1)
        counts[layout] = {
            split: {
                case:
                sum(1 for r in records
                    if r['split'] == split and r['case'] == case)
                for case in CASE_TYPES
            }
            for split in SPLITS
        }
    palette = avss_palette(max(71, len(names) + 1))
    stamp = dict(
        stamp_key(params),
        categories=[
            dict(
                name=c.name,
                class_index=c.class_index,
                shape=c.shape,
                texture=c.texture,
                hue=round(c.hue, 4),
                palette_rgb=palette[c.class_index].tolist())
            for c in gen.categories
        ],
        brightness_values=[
            round(float(v), 4) for v in level_values(params.num_levels)
        ],
        counts=counts)
    write_stamp(out_dir, stamp)
    stamp['seconds'] = round(time.time() - t0, 2)
    return stamp
