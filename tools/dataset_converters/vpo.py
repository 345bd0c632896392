# Copyright (c) mmavs contributors. All rights reserved.
"""Build VPO (SS / MS / MSMI) from COCO images and VGGSound videos.

The VPO release (the ``VPO-SS`` / ``VPO-MS`` archives of the VPO authors)
holds the metadata CSVs (``cateName,img_Id,ann_Ids,cateId,vgg_file,split
[,audio_pos][,multi_instance]``) and the masks (``mask/``, COCO category ids
with the person split into male / female / baby, which COCO alone cannot
give); the images are COCO's and the audio is VGGSound's. This tool puts
both where :class:`~mmavs.datasets.VPODataset` reads them (the output paths
are the dataset's own paths for the CSV rows)::

    <root>/data/[{cateName}/]{img_Id:012d}.jpg   (copied from COCO)
    <audio-dir>/{vgg_file}.wav                   (16 kHz mono, 16-bit)

- images: ``--coco-root`` holding ``train2017/`` and ``val2017/`` (COCO 2017
  file names ``{img_Id:012d}.jpg``); each image is copied byte for byte.
  Without ``--coco-root`` the images must already be in ``data/`` (the
  release may ship them) and none is copied;
- audio: the VGGSound clip of each distinct ``vgg_file`` is found with
  ``--vggsound-template`` below ``--vggsound-root`` (default
  ``{vgg_file}.mp4``; the fields ``{ytid}``, ``{start_ms}``, ``{end_ms}``,
  ``{start_s}`` parse VGGSound names ``<ytid>_<start ms>_<end ms>``, e.g.
  ``--vggsound-template '{ytid}_{start_s:06d}.mp4'`` for downloads named
  ``<ytid>_<start seconds>.mp4``), decoded with PyAV, resampled by FFmpeg's
  ``libswresample`` and written as a mono wav. ``--vggsound-trim`` cuts
  ``[start_ms, end_ms)`` out of a whole YouTube video instead.

Same guarantees as ``avsbench.py``: one job per image / audio file, worker
processes and a progress bar; a missing or corrupt source fails that job
only, with its reason in the summary (``<root>/prepare_vpo_summary.json``);
the CSVs are never modified (``tools/misc/check_dataset.py`` reports the
rows whose files are missing); done markers (``<root>/.mmavs_prepare/vpo``)
written last make a rerun skip what is done.

Example::

    python tools/dataset_converters/vpo.py data/VPO/VPO-SS --subset ss \\
        --coco-root data/coco --vggsound-root data/vggsound/video \\
        --audio-dir data/VPO/audios --workers 8
"""
import argparse
import glob
import hashlib
import os.path as osp
import re
import shutil
import sys
from typing import Dict, List

from mmavs.datasets.conversion import (ConversionJob, commit, discard,
                                       run_conversion, temp_path)

SUBSETS = ('ss', 'ms', 'msmi')
COCO_DIRS = ('train2017', 'val2017')
VGG_NAME = re.compile(r'^(?P<ytid>.+)_(?P<start_ms>\d+)_(?P<end_ms>\d+)$')


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Build VPO images and audio from COCO and VGGSound')
    parser.add_argument(
        'root', help='the VPO subset folder (e.g. data/VPO/VPO-SS)')
    parser.add_argument('--subset', choices=SUBSETS, default='ss')
    parser.add_argument(
        '--ann-files',
        nargs='+',
        help='CSV files below root (default: every vpo_<subset>_data*.csv)')
    parser.add_argument(
        '--coco-root',
        help='COCO folder with train2017/ and val2017/ (omit when the '
        'images are already in root/data)')
    parser.add_argument(
        '--coco-dirs',
        nargs='+',
        default=list(COCO_DIRS),
        help='image folders below --coco-root, searched in order')
    parser.add_argument(
        '--vggsound-root', required=True, help='folder of the VGGSound clips')
    parser.add_argument(
        '--vggsound-template',
        default='{vgg_file}.mp4',
        help='clip path below --vggsound-root; fields {vgg_file} {ytid} '
        '{start_ms} {end_ms} {start_s}')
    parser.add_argument(
        '--vggsound-trim',
        action='store_true',
        help='the VGGSound files are whole videos: cut [start_ms, end_ms)')
    parser.add_argument(
        '--audio-dir',
        help='output folder of the wav files (default: root/../audios, as '
        'configs/_base_/datasets/vpo*.py read them)')
    parser.add_argument(
        '--sample-rate', type=int, default=16000, help='wav sample rate')
    parser.add_argument(
        '--msmi-single-instance-root',
        help='msmi: the VPO-MS root holding the single-instance rows')
    parser.add_argument(
        '--workers', type=int, default=4, help='worker processes')
    parser.add_argument('--summary', help='summary JSON')
    parser.add_argument(
        '--no-progress', action='store_true', help='no progress bar')
    return parser.parse_args(argv)


def vgg_fields(vgg_file: str) -> Dict[str, object]:
    """Template fields of a VGGSound clip name ``<ytid>_<start>_<end>``
    (milliseconds); only ``vgg_file`` when the name has another form."""
    fields = dict(vgg_file=vgg_file)
    match = VGG_NAME.match(vgg_file)
    if match:
        start, end = int(match['start_ms']), int(match['end_ms'])
        fields.update(
            ytid=match['ytid'],
            start_ms=start,
            end_ms=end,
            start_s=start // 1000)
    return fields


def _ann_files(args) -> List[str]:
    if args.ann_files:
        return list(args.ann_files)
    found = sorted(
        osp.basename(p) for p in glob.glob(
            osp.join(args.root, f'vpo_{args.subset}_data*.csv')))
    if not found:
        raise SystemExit(f'no vpo_{args.subset}_data*.csv in {args.root}; '
                         'give --ann-files')
    return found


def make_jobs(args) -> List[ConversionJob]:
    """One job per distinct image (with --coco-root) and audio file."""
    from mmengine.registry import init_default_scope

    from mmavs.datasets import DataListError, VPODataset
    init_default_scope('mmavs')
    audio_dir = osp.abspath(args.audio_dir or osp.join(
        osp.dirname(osp.abspath(args.root).rstrip('/')), 'audios'))
    images, audios = {}, {}
    for ann_file in _ann_files(args):
        for split in ('train', 'test'):
            try:
                dataset = VPODataset(
                    data_root=args.root,
                    ann_file=ann_file,
                    split=split,
                    subset=args.subset,
                    data_prefix=dict(
                        img_path='data',
                        seg_map_path='mask',
                        audio_path=audio_dir),
                    msmi_single_instance_root=args.msmi_single_instance_root,
                    pipeline=[],
                    serialize_data=False)
            except DataListError as err:
                if 'no row' in str(err):
                    continue
                raise
            for idx in range(len(dataset)):
                info = dataset.get_data_info(idx)
                image = info['frame_paths'][0]
                images.setdefault(image, (info['clip_id'], split))
                for wav in info['audio_path']:
                    audios.setdefault(wav, (info['clip_id'], split))
    jobs = []
    if args.coco_root:
        for image, (clip, split) in sorted(images.items()):
            name = osp.basename(image)
            sources = [
                osp.join(args.coco_root, d, name) for d in args.coco_dirs
            ]
            tag = hashlib.sha1(image.encode()).hexdigest()[:8]
            jobs.append(
                ConversionJob(
                    key=f'images/{osp.splitext(name)[0]}-{tag}',
                    clip_id=clip,
                    split=split,
                    source=' | '.join(sources),
                    outputs=[image],
                    params=dict(kind='image', sources=sources, version=1),
                    extra=dict(kind='image', sources=sources, dest=image)))
    for wav, (clip, split) in sorted(audios.items()):
        vgg_file = osp.splitext(osp.basename(wav))[0]
        fields = vgg_fields(vgg_file)
        try:
            source = osp.join(args.vggsound_root,
                              args.vggsound_template.format(**fields))
        except KeyError as err:
            raise SystemExit(
                f'vgg_file {vgg_file!r} is not <ytid>_<start ms>_<end ms>: '
                f'the template field {err} is unknown; use {{vgg_file}}')
        start, duration = 0.0, None
        if args.vggsound_trim:
            if 'start_ms' not in fields:
                raise SystemExit(f'--vggsound-trim: cannot read the times of '
                                 f'vgg_file {vgg_file!r}')
            start = fields['start_ms'] / 1000
            duration = (fields['end_ms'] - fields['start_ms']) / 1000
        params = dict(
            kind='audio',
            source=source,
            start=start,
            duration=duration,
            sample_rate=args.sample_rate,
            version=1)
        jobs.append(
            ConversionJob(
                key=f'audios/{vgg_file}',
                clip_id=vgg_file,
                split=split,
                source=source,
                outputs=[wav],
                params=params,
                extra=dict(kind='audio', dest=wav)))
    return jobs


def convert_item(job: ConversionJob) -> List[str]:
    """Copy one COCO image or extract one VGGSound audio track."""
    from mmavs.datasets.video_io import read_audio
    extra, p = job.extra, job.params
    tmp = temp_path(extra['dest'])
    try:
        if extra['kind'] == 'image':
            found = [s for s in extra['sources'] if osp.isfile(s)]
            if not found:
                raise FileNotFoundError(
                    f'COCO image not found: looked for '
                    f'{" and ".join(extra["sources"])}')
            shutil.copyfile(found[0], tmp)
            commit(tmp, extra['dest'])
            return []
        import soundfile as sf
        samples, rate = read_audio(
            p['source'],
            sample_rate=p['sample_rate'],
            mono=True,
            start=p['start'],
            duration=p['duration'],
            sample_format='s16')
        sf.write(tmp, samples.T, rate, subtype='PCM_16', format='WAV')
        commit(tmp, extra['dest'])
        notes = []
        if p['duration'] and samples.shape[1] / rate < p['duration'] - 1e-3:
            notes.append(f'audio lasts {samples.shape[1] / rate:.3f} s, '
                         f'shorter than the clip\'s {p["duration"]:g} s')
        return notes
    finally:
        if osp.lexists(tmp):
            discard(tmp)


def main(argv=None) -> int:
    args = parse_args(argv)
    jobs = make_jobs(args)
    run_conversion(
        jobs,
        convert_item,
        state_dir=osp.join(args.root, '.mmavs_prepare', 'vpo'),
        summary_path=args.summary
        or osp.join(args.root, 'prepare_vpo_summary.json'),
        task=f'vpo-{args.subset}',
        num_workers=args.workers,
        params=dict(
            root=args.root,
            coco_root=args.coco_root,
            vggsound_root=args.vggsound_root,
            vggsound_template=args.vggsound_template,
            sample_rate=args.sample_rate),
        progress=not args.no_progress)
    return 0


if __name__ == '__main__':
    sys.exit(main())
