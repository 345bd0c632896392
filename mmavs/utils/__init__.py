# Copyright (c) mmavs contributors. All rights reserved.
from .config import build_runner, load_config, register_all_modules

__all__ = ['build_runner', 'load_config', 'register_all_modules']
from .paths import repo_root

__all__ += ['repo_root']
from .cli import (add_cfg_options_arg, add_inference_args, add_runtime_args,
                  apply_runtime_args, inference_call_kwargs)

__all__ += [
    'add_cfg_options_arg', 'add_runtime_args', 'apply_runtime_args',
    'add_inference_args', 'inference_call_kwargs'
]
from .model_checkpoint import (CheckpointMismatchError, load_model_checkpoint,
                               load_state_dict_checked)

__all__ += [
    'CheckpointMismatchError', 'load_model_checkpoint',
    'load_state_dict_checked'
]
