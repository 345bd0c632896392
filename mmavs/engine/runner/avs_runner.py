# Copyright (c) mmavs contributors. All rights reserved.
import os.path as osp

from mmengine.runner import Runner
from mmengine.runner.checkpoint import find_latest_checkpoint
from torch import nn

from mmavs.compat import (cpu_distributed, init_cpu_dist, trust_checkpoint,
                          wrap_cpu_ddp)
from mmavs.registry import RUNNERS


@RUNNERS.register_module()
class AVSRunner(Runner):
    """mmengine's Runner with the shims of :mod:`mmavs.compat` wired in.

    * Multi-process runs without CUDA use gloo and DDP without
      ``device_ids``, with SyncBN reverted to BN (:mod:`mmavs.compat.dist`).
      With CUDA, mmengine's own code runs unchanged.
    * The checkpoint files a user names (``load_from``, ``resume_from``, the
      latest checkpoint of the work dir for ``--resume``) are trusted for full
      unpickling under torch's ``weights_only`` default
      (:mod:`mmavs.compat.checkpoint`); nothing else is.

    Use it with ``runner_type = 'AVSRunner'`` (set in
    ``configs/_base_/default_runtime.py``).
    """

    def setup_env(self, env_cfg: dict) -> None:
        """Set up the environment, with gloo for CPU-only multi-process."""
        if self.distributed and cpu_distributed(self.launcher):
            timeout = env_cfg.get('dist_cfg', {}).get('timeout', 1800)
            init_cpu_dist(self.launcher, timeout=timeout)
        super().setup_env(env_cfg)

    def wrap_model(self, model_wrapper_cfg, model: nn.Module) -> nn.Module:
        """Wrap the model; CPU-only multi-process runs use gloo DDP."""
        if self.distributed and cpu_distributed(self.launcher):
            if model_wrapper_cfg is not None:
                raise ValueError(
                    'model_wrapper_cfg is not supported for CPU-only '
                    'distributed runs; remove it from the config')
            return wrap_cpu_ddp(
                model,
                find_unused_parameters=self.cfg.get('find_unused_parameters',
                                                    False))
        return super().wrap_model(model_wrapper_cfg, model)

    def load_or_resume(self) -> None:
        """Trust the checkpoint the user named, then load or resume it."""
        if self._has_loaded:
            return
        if self._load_from is not None:
            if not osp.isfile(osp.expanduser(self._load_from)) and \
                    '://' not in self._load_from:
                raise FileNotFoundError(
                    f'checkpoint {self._load_from} (load_from / resume / '
                    'test checkpoint) does not exist')
            trust_checkpoint(self._load_from)
        elif self._resume:
            latest = find_latest_checkpoint(self.work_dir)
            if latest is not None:
                trust_checkpoint(latest)
        super().load_or_resume()
