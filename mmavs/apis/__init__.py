# Copyright (c) mmavs contributors. All rights reserved.
"""High-level inference APIs of mmavs: models, clips, videos.

The video I/O names (``probe_video``, ``VideoWriter``, the errors...) are
re-exported from :mod:`mmavs.datasets.video_io`, their one home.
"""
from mmavs.datasets.video_io import (AudioShorterThanVideoError,
                                     EmptyVideoError, NoAudioStreamError,
                                     VideoInfo, VideoInputError,
                                     VideoReadError, VideoWriter,
                                     iter_video_frames, probe_video,
                                     read_audio_track)
from .av_sources import AVSource, FrameSource, VideoSource, as_source
from .avs_inferencer import AVSInferencer
from .dataset_clips import (build_split_dataset, condition_indices, find_clip,
                            frames_of, gt_image, robust_test_dataset,
                            run_model, split_dataset_cfg)
from .clip_sampling import (SAMPLING_MODES, ClipSpec, FrameTimeline,
                            SampledFrames, ShortVideoError, plan_clips,
                            sample_frames)
from .inference import (ClipPipeline, clip_length_of, dataset_meta_of,
                        inference_model, init_model, list_frame_files)
from .overlay_video import write_overlay_video

__all__ = [
    'init_model', 'inference_model', 'AVSInferencer', 'ClipPipeline',
    'clip_length_of', 'dataset_meta_of', 'list_frame_files', 'AVSource',
    'VideoSource', 'FrameSource', 'as_source', 'SAMPLING_MODES',
    'FrameTimeline', 'SampledFrames', 'ClipSpec', 'ShortVideoError',
    'sample_frames', 'plan_clips', 'VideoInputError', 'VideoReadError',
    'NoAudioStreamError', 'EmptyVideoError', 'AudioShorterThanVideoError',
    'VideoInfo', 'VideoWriter', 'probe_video', 'read_audio_track',
    'iter_video_frames', 'write_overlay_video', 'build_split_dataset',
    'find_clip', 'frames_of', 'run_model', 'split_dataset_cfg',
    'robust_test_dataset', 'condition_indices', 'gt_image'
]
