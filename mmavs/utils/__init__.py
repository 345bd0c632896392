# Copyright (c) mmavs contributors. All rights reserved.
from .config import build_runner, load_config, register_all_modules

__all__ = ['build_runner', 'load_config', 'register_all_modules']
