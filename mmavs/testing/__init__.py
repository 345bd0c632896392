# Copyright (c) mmavs contributors. All rights reserved.
"""Helpers shared by the test suite (fixtures that tests build)."""
from mmavs.utils.paths import repo_root

__all__ = ['repo_root']
from .tiny_model import TINY_AUDIO_SHAPE, packed_clip, tiny_model_cfg

__all__ += ['TINY_AUDIO_SHAPE', 'packed_clip', 'tiny_model_cfg']
from .dist import free_port, run_processes

__all__ += ['free_port', 'run_processes']
from .fixtures import (make_avss_fixture, make_ms3_fixture, make_s4_fixture,
                       make_vpo_fixture, tone, write_avss_clip, write_csv,
                       write_image, write_log_mel_pkl, write_ms3_clip,
                       write_s4_clip, write_vpo_item, write_wav)

__all__ += [
    'write_image', 'write_wav', 'write_log_mel_pkl', 'write_csv',
    'write_s4_clip', 'write_ms3_clip', 'write_avss_clip', 'write_vpo_item',
    'make_s4_fixture', 'make_ms3_fixture', 'make_avss_fixture',
    'make_vpo_fixture', 'tone'
]
from .tools import data_root_options, run_tool, small_run_options, tool_env

__all__ += ['data_root_options', 'run_tool', 'small_run_options', 'tool_env']
from .synthetic_inputs import audio_input_shape, synthetic_av_batch

__all__ += ['audio_input_shape', 'synthetic_av_batch']
from .distributed_metric import evaluate_metrics_distributed, sampler_indices

__all__ += ['evaluate_metrics_distributed', 'sampler_indices']
from .checkpoints import CreateFileOnUnpickle, write_malicious_checkpoint

__all__ += ['CreateFileOnUnpickle', 'write_malicious_checkpoint']
from .logs import log_records

__all__ += ['log_records']
from .videos import benchmark_frames_video, write_test_video

__all__ += ['benchmark_frames_video', 'write_test_video']
