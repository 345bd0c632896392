# Copyright (c) mmavs contributors. All rights reserved.
import os.path as osp
from typing import Optional

from mmengine.config import Config
from mmengine.runner import Runner


def load_config(path: str, cfg_options: Optional[dict] = None) -> Config:
    """Read a config file and apply ``--cfg-options`` overrides.

    A top-level ``audio_cache = dict(dir=...)`` (in the file or given as
    ``--cfg-options audio_cache.dir=DIR``) then switches every audio loader
    of the dataloaders to the audio cache
    (:func:`mmavs.datasets.audio_cache.apply_audio_cache`).

    Args:
        path (str): Config file.
        cfg_options (dict, optional): ``key=value`` overrides.

    Returns:
        Config: The merged config.

    Raises:
        FileNotFoundError: If the config file does not exist.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'config file {path} does not exist')
    cfg = Config.fromfile(path)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    from mmavs.datasets.audio_cache import apply_audio_cache
    apply_audio_cache(cfg)
    return cfg


def build_runner(cfg: Config, unsafe_load: bool = False) -> Runner:
    """Build the runner named by ``cfg.runner_type`` (default AVSRunner).

    Args:
        cfg (Config): The config.
        unsafe_load (bool): The ``--unsafe-load`` command-line flag: let the
            runner unpickle the checkpoint it loads or resumes fully. Only
            :class:`~mmavs.engine.runner.AVSRunner` supports it.

    Returns:
        Runner: The runner.
    """
    from mmavs.engine.runner import AVSRunner
    from mmavs.registry import RUNNERS
    register_all_modules()
    if 'runner_type' in cfg:
        runner = RUNNERS.build(cfg)
    else:
        runner = AVSRunner.from_cfg(cfg)
    if unsafe_load:
        if not isinstance(runner, AVSRunner):
            raise TypeError(f'--unsafe-load needs an AVSRunner, the config '
                            f'builds a {type(runner).__name__}')
        runner.set_unsafe_load(True)
    return runner


def register_all_modules(init_default_scope: bool = True) -> None:
    """Import every mmavs package so all components are registered.

    Args:
        init_default_scope (bool): Also set the default scope to 'mmavs'.
    """
    import mmavs.datasets  # noqa: F401
    import mmavs.engine  # noqa: F401
    import mmavs.evaluation  # noqa: F401
    import mmavs.models  # noqa: F401
    import mmavs.visualization  # noqa: F401
    if init_default_scope:
        from mmengine.registry import DefaultScope
        if DefaultScope.get_current_instance() is None or \
                not DefaultScope.check_instance_created('mmavs'):
            DefaultScope.get_instance('mmavs', scope_name='mmavs')
