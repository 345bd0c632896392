# Copyright (c) mmavs contributors. All rights reserved.
"""Build AVSBench S4 / MS3 / AVSS from the released raw videos.

Reads the metadata CSV of the release and writes, for every row, the frames
and the 16 kHz mono wav (and optionally the VGGish log-mel pickles) exactly
where :class:`~mmavs.datasets.AVSBenchS4Dataset`,
:class:`~mmavs.datasets.AVSBenchMS3Dataset` and
:class:`~mmavs.datasets.AVSSDataset` read them: the output paths *are* the
paths those dataset classes compute from the CSV. The ground-truth masks
come with the release and are not touched.

Raw videos (``--video-template``, relative to the task folder)::

    s4   Single-source/s4_data/raw_videos/{split}/{category}/{name}.mp4
    ms3  Multi-sources/ms3_data/raw_videos/{name}.mp4
    avss raw_videos/{label}/{uid}.mp4          (trimmed 5 s / 10 s clips)
         raw_videos/{vid}.mp4 with --untrimmed (the whole YouTube video;
                                the clip starts at s_min * 60 + s_sec)

Outputs::

    s4   Single-source/s4_data/visual_frames/{split}/{category}/{name}/
             {name}_{1..5}.png                      (224 x 224)
         Single-source/s4_data/audio_wav/{split}/{category}/{name}.wav
         Single-source/s4_data/audio_log_mel/{split}/{category}/{name}.pkl
    ms3  Multi-sources/ms3_data/visual_frames/{name}/{name}.mp4_{1..5}.png
         Multi-sources/ms3_data/audio_wav/{split}/{name}.wav  (+ log-mel)
    avss {label}/{uid}/frames/{0..T-1}.jpg         (video size)
         {label}/{uid}/audio.wav

Frames: as the official preprocessing (``preprocess_scripts/
preprocess_s4.py`` of AVSBench), frame ``int(l * r + 15 / 16 * r)`` of the
decoded frames for second ``l`` (``r`` = the frame rate rounded to an
integer): the last of 16 evenly spaced frames of each second, e.g. frames
23, 48, 73, 98, 123 at 25 fps. An index past the end of a short video takes
the last frame (as the official script does) and the summary lists the
clip as a warning. S4/MS3 frames are resized to ``--frame-size`` (224, as
the release; ``cv2.resize`` bilinear) and saved as PNG; AVSS frames keep the
video size (``--frame-size 0``) and are saved as JPEG.

Audio: the video's audio track decoded and resampled to 16 kHz by FFmpeg's
``libswresample`` (the official script calls ``ffmpeg -ar 16000`` through
moviepy) to 16-bit samples, then averaged to mono (the official wav
keeps the source channels and VGGish averages them when it reads the file;
the mean is rounded to 16 bits here, within half a step of that average)
and written as 16-bit PCM. ``--log-mel``
also writes the VGGish log-mel examples of that wav as the official
``audio_log_mel/*.pkl`` (a pickled float32 ``torch.Tensor`` ``[T, 1, 96,
64]``; a short track repeats its last example as the official script does,
a longer one keeps its first ``T``).

Every clip is one job: a missing, truncated or silent (no audio stream)
video fails that clip only, with its reason in the summary
(``<root>/prepare_<task>_summary.json``); the CSV is never modified, so the
failed rows stay and ``tools/misc/check_dataset.py`` reports their missing
files. Each clip writes its outputs under temporary names, moves them into
place, then writes a done marker (``<root>/.mmavs_prepare/<task>/``): a
rerun skips the clips already done and converts the others (an interrupted
clip has no marker and is converted again).

Examples::

    python tools/dataset_converters/avsbench.py s4 data/AVSBench-object \\
        --workers 8 --log-mel
    python tools/dataset_converters/avsbench.py ms3 data/AVSBench-object
    python tools/dataset_converters/avsbench.py avss data/AVSBench-semantic
"""
import argparse
import os
import os.path as osp
import sys
from typing import List

import cv2
import numpy as np

from mmavs.datasets.conversion import (ConversionJob, commit, discard,
                                       run_conversion, temp_path)

TASKS = ('s4', 'ms3', 'avss')

#: Raw video of a clip, relative to the task folder (see the module doc).
DEFAULT_VIDEO_TEMPLATES = dict(
    s4='Single-source/s4_data/raw_videos/{split}/{category}/{name}.mp4',
    ms3='Multi-sources/ms3_data/raw_videos/{name}.mp4',
    avss='raw_videos/{label}/{uid}.mp4')
UNTRIMMED_AVSS_TEMPLATE = 'raw_videos/{vid}.mp4'

#: Frame size of the official S4/MS3 frames; AVSS keeps the video size.
DEFAULT_FRAME_SIZE = dict(s4=224, ms3=224, avss=0)

#: The official preprocessing takes 16 frames per second and keeps the
#: last one (``k % 16 == 15``).
SAMPLES_PER_SECOND = 16


def official_frame_indices(fps: float, seconds: int) -> List[int]:
    """Indices of the frames the AVSBench preprocessing keeps.

    ``video_frame_sample`` of the official script samples 16 frames per
    second at ``int(l * r + (i / 16) * r)`` (``r = round(fps)``) and keeps
    ``i = 15``.

    Args:
        fps (float): Frame rate of the video.
        seconds (int): Number of seconds (frames kept).

    Returns:
        list[int]: One frame index per second.
    """
    rate = int(round(fps))
    if rate <= 0:
        raise ValueError(f'frame rate {fps} rounds to {rate}; expected a '
                         'positive frame rate')
    last = SAMPLES_PER_SECOND - 1
    return [
        int(sec * rate + (last * 1.0 / SAMPLES_PER_SECOND) * rate)
        for sec in range(seconds)
    ]


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Build AVSBench S4/MS3/AVSS frames and audio from the '
        'released raw videos')
    parser.add_argument('task', choices=TASKS)
    parser.add_argument(
        'data_root',
        help='the release folder: data/AVSBench-object (s4, ms3; holds '
        'Single-source/ and Multi-sources/) or data/AVSBench-semantic '
        '(avss; holds metadata.csv)')
    parser.add_argument(
        '--video-root',
        help='folder the video template is relative to (default: '
        'data_root)')
    parser.add_argument(
        '--video-template',
        help='raw video path of a clip, formatted with the CSV fields '
        '{split} {category} {name} (s4, ms3: name = video id) or {label} '
        '{uid} {vid} (avss); defaults: ' + '; '.join(
            f'{k}: {v}' for k, v in DEFAULT_VIDEO_TEMPLATES.items()))
    parser.add_argument(
        '--untrimmed',
        action='store_true',
        help='avss: the raw videos are whole YouTube videos '
        f'({UNTRIMMED_AVSS_TEMPLATE}); each clip starts at s_min*60+s_sec')
    parser.add_argument(
        '--splits',
        nargs='+',
        default=['train', 'val', 'test'],
        help='splits to convert')
    parser.add_argument(
        '--frame-size',
        type=int,
        default=None,
        help='resize frames to this square size (0 keeps the video size; '
        'default 224 for s4/ms3 as the release, 0 for avss)')
    parser.add_argument(
        '--jpeg-quality',
        type=int,
        default=95,
        help='quality of the AVSS JPEG frames')
    parser.add_argument(
        '--jpeg-subsampling',
        choices=['420', '444'],
        default='420',
        help='chroma subsampling of the AVSS JPEG frames (420: OpenCV\'s '
        'default; a yuv420p video has no more chroma to keep)')
    parser.add_argument(
        '--sample-rate',
        type=int,
        default=16000,
        help='wav sample rate (16000 as the release)')
    parser.add_argument(
        '--log-mel',
        action='store_true',
        help='s4/ms3: also write the official audio_log_mel/*.pkl')
    parser.add_argument(
        '--workers', type=int, default=4, help='worker processes')
    parser.add_argument(
        '--summary',
        help='summary JSON (default: <data_root>/prepare_<task>_summary.json)'
    )
    parser.add_argument(
        '--no-progress', action='store_true', help='no progress bar')
    return parser.parse_args(argv)


def _datasets(task: str, data_root: str, splits, untrimmed: bool):
    """The dataset of each split (its clip dicts give the output paths)."""
    from mmengine.registry import init_default_scope

    from mmavs.datasets import (AVSBenchMS3Dataset, AVSBenchS4Dataset,
                                AVSSDataset, DataListError)
    init_default_scope('mmavs')
    out = []
    for split in splits:
        if task == 's4':
            kwargs = dict(cls=AVSBenchS4Dataset)
        elif task == 'ms3':
            kwargs = dict(cls=AVSBenchMS3Dataset)
        else:
            kwargs = dict(
                cls=AVSSDataset,
                meta_columns=('s_min', 's_sec') if untrimmed else ())
        cls = kwargs.pop('cls')
        try:
            dataset = cls(
                data_root=data_root,
                split=split,
                pipeline=[],
                serialize_data=False,
                **kwargs)
        except DataListError as err:
            if 'no row' in str(err) or 'no clip' in str(err):
                print(f'[{task}] split {split!r}: no clip in the CSV')
                continue
            raise
        out.append((split, dataset))
    return out


def _template_fields(task: str, info: dict, split: str) -> dict:
    if task == 'avss':
        return dict(
            label=info['subset'],
            uid=info['clip_id'],
            vid=info['vid'],
            split=split,
            category=info['category'])
    return dict(
        name=info['clip_id'],
        vid=info['clip_id'],
        split=split,
        category=info['category'])


def video_template(args: argparse.Namespace) -> str:
    """The raw video template of the run."""
    return args.video_template or (
        UNTRIMMED_AVSS_TEMPLATE if args.task == 'avss' and args.untrimmed
        else DEFAULT_VIDEO_TEMPLATES[args.task])


def make_jobs(args: argparse.Namespace) -> List[ConversionJob]:
    """One job per CSV row of the selected splits."""
    task = args.task
    template = video_template(args)
    video_root = args.video_root or args.data_root
    frame_size = (
        DEFAULT_FRAME_SIZE[task]
        if args.frame_size is None else int(args.frame_size))
    jobs = []
    for split, dataset in _datasets(task, args.data_root, args.splits,
                                    args.untrimmed):
        for idx in range(len(dataset)):
            info = dataset.get_data_info(idx)
            frames = [p for p in info['frame_paths'] if p]
            frame_dir = osp.dirname(frames[0])
            if any(osp.dirname(p) != frame_dir for p in frames):
                raise RuntimeError(f'clip {info["clip_id"]}: frames in '
                                   'several folders')
            fields = _template_fields(task, info, split)
            video = osp.join(video_root, template.format(**fields))
            start = 0.0
            if task == 'avss' and args.untrimmed:
                start = 60.0 * float(info['s_min']) + float(info['s_sec'])
            feat = info.get('audio_feat_path') if args.log_mel else None
            if args.log_mel and task == 'avss':
                raise ValueError('--log-mel is for s4/ms3 (AVSS has no '
                                 'official log-mel files)')
            params = dict(
                video=video,
                start=start,
                seconds=len(frames),
                frame_size=frame_size,
                jpeg_quality=args.jpeg_quality,
                jpeg_subsampling=args.jpeg_subsampling,
                sample_rate=args.sample_rate,
                log_mel=bool(feat),
                trim_audio=task == 'avss' and args.untrimmed,
                version=1)
            outputs = frames + [info['audio_path']] + ([feat] if feat else [])
            key = (f'{fields["label"]}/{info["clip_id"]}'
                   if task == 'avss' else f'{split}/{info["clip_id"]}')
            jobs.append(
                ConversionJob(
                    key=key,
                    clip_id=info['clip_id'],
                    split=split,
                    source=video,
                    outputs=outputs,
                    params=params,
                    extra=dict(
                        frame_dir=frame_dir,
                        frame_names=[osp.basename(p) for p in frames],
                        audio_path=info['audio_path'],
                        feat_path=feat)))
    return jobs


def _write_frames(folder: str, names: List[str], frames, size: int,
                  jpeg_quality: int, jpeg_subsampling: str) -> None:
    os.makedirs(folder, exist_ok=True)
    jpeg = [cv2.IMWRITE_JPEG_QUALITY, jpeg_quality]
    if jpeg_subsampling == '444':
        jpeg += [
            cv2.IMWRITE_JPEG_SAMPLING_FACTOR,
            cv2.IMWRITE_JPEG_SAMPLING_FACTOR_444
        ]
    for name, frame in zip(names, frames):
        if size:
            # the official script: cv2.resize(im, (224, 224)) (bilinear)
            frame = cv2.resize(frame, (size, size))
        params = jpeg if name.lower().endswith(('.jpg', '.jpeg')) else []
        path = osp.join(folder, name)
        if not cv2.imwrite(path, np.ascontiguousarray(frame[..., ::-1]),
                           params):
            raise OSError(f'could not write frame {path}')


def _write_wav(path: str, samples: np.ndarray, sample_rate: int) -> None:
    import soundfile as sf
    sf.write(
        path, samples.T, sample_rate, subtype='PCM_16', format='WAV')


def _log_mel(wav_path: str, seconds: int) -> np.ndarray:
    """Official ``audio_log_mel`` content: VGGish examples of the wav
    (``vggish_input.wavfile_to_examples``), ``T`` rows (a short track
    repeats its last example)."""
    from mmavs.datasets.audio_features import waveform_to_vggish_examples
    from mmavs.datasets.audio_io import load_audio
    wave, sr = load_audio(wav_path)
    examples = waveform_to_vggish_examples(wave, sr, source=wav_path)
    index = np.minimum(np.arange(seconds), len(examples) - 1)
    return examples[index]


def convert_clip(job: ConversionJob) -> List[str]:
    """Extract the frames and the audio of one clip (see the module doc).

    Returns:
        list[str]: Warnings (frames past the end, audio shorter than the
        clip).

    Raises:
        VideoInputError: For a missing, unreadable or silent video.
    """
    from mmavs.datasets.layout_writers import write_log_mel_pkl
    from mmavs.datasets.video_io import (probe_video, read_audio,
                                         read_frames)
    p, extra = job.params, job.extra
    notes = []
    info = probe_video(p['video'])
    indices = official_frame_indices(info.fps, p['seconds'])
    selection = read_frames(p['video'], indices, start=p['start'], info=info)
    if selection.clamped:
        notes.append(
            f'video has {selection.num_available} frame(s) at {info.fps:g} fps '
            f'after {p["start"]:g} s; frame(s) {selection.clamped} lie past '
            'the end and take the last frame (as the official '
            'preprocessing)')
    samples, rate = read_audio(
        p['video'],
        sample_rate=p['sample_rate'],
        mono=True,
        start=p['start'],
        duration=p['seconds'] if p['trim_audio'] else None,
        sample_format='s16')
    have = samples.shape[1] / rate
    if have < p['seconds'] - 1e-3:
        notes.append(f'audio lasts {have:.3f} s, shorter than the clip\'s '
                     f'{p["seconds"]} s')
    temps = []
    try:
        frame_tmp = temp_path(extra['frame_dir'])
        temps.append(frame_tmp)
        _write_frames(frame_tmp, extra['frame_names'], selection.frames,
                      p['frame_size'], p['jpeg_quality'],
                      p['jpeg_subsampling'])
        wav_tmp = temp_path(extra['audio_path'])
        temps.append(wav_tmp)
        _write_wav(wav_tmp, samples, rate)
        feat_tmp = None
        if extra['feat_path']:
            feat_tmp = temp_path(extra['feat_path'])
            temps.append(feat_tmp)
            write_log_mel_pkl(feat_tmp, _log_mel(wav_tmp, p['seconds']))
        commit(frame_tmp, extra['frame_dir'])
        commit(wav_tmp, extra['audio_path'])
        if feat_tmp:
            commit(feat_tmp, extra['feat_path'])
    finally:
        for tmp in temps:
            if osp.lexists(tmp):
                discard(tmp)
    return notes


def main(argv=None) -> int:
    args = parse_args(argv)
    jobs = make_jobs(args)
    summary = args.summary or osp.join(args.data_root,
                                       f'prepare_{args.task}_summary.json')
    run_conversion(
        jobs,
        convert_clip,
        state_dir=osp.join(args.data_root, '.mmavs_prepare', args.task),
        summary_path=summary,
        task=f'avsbench-{args.task}',
        num_workers=args.workers,
        params=dict(
            data_root=args.data_root,
            splits=args.splits,
            video_root=args.video_root or args.data_root,
            video_template=video_template(args),
            frame_size=jobs[0].params['frame_size'] if jobs else None,
            sample_rate=args.sample_rate,
            log_mel=args.log_mel),
        progress=not args.no_progress)
    return 0


if __name__ == '__main__':
    sys.exit(main())
