# Copyright (c) mmavs contributors. All rights reserved.
import os
import os.path as osp
from typing import Callable, Optional, Union

from mmengine.runner import Runner
from mmengine.runner.checkpoint import _load_checkpoint, find_latest_checkpoint
from torch import nn

from mmavs.compat import (allow_unsafe_load, cpu_distributed, init_cpu_dist,
                          wrap_cpu_ddp)
from mmavs.registry import RUNNERS
from mmavs.utils.model_checkpoint import (DEFAULT_REVISE_KEYS,
                                          load_state_dict_checked)


class ResumePathError(ValueError):
    """Auto-resume found a checkpoint path outside the work dir."""


@RUNNERS.register_module()
class AVSRunner(Runner):
    """mmengine's Runner with the shims of :mod:`mmavs.compat` wired in.

    * Multi-process runs without CUDA use gloo and DDP without
      ``device_ids``, with SyncBN reverted to BN (:mod:`mmavs.compat.dist`).
      With CUDA, mmengine's own code runs unchanged.
    * Checkpoints load with ``weights_only=True`` and an explicit allow-list
      (:mod:`mmavs.compat.checkpoint`). Only :meth:`set_unsafe_load`, which
      ``tools/train.py`` and ``tools/test.py`` call for their
      ``--unsafe-load`` flag, lets the checkpoint this runner loads or
      resumes be unpickled fully; no config key can.
    * Auto-resume (``resume=True`` without ``load_from``) reads the path in
      the work dir's ``last_checkpoint`` file and refuses it unless it lies
      inside the work dir. An explicit ``--resume PATH`` (``load_from``) is
      the user's own choice.
    * The checkpoint of ``load_from`` / resume / ``tools/test.py`` must fit
      the model: missing, unexpected or misshapen keys are an error
      (:func:`~mmavs.utils.model_checkpoint.load_state_dict_checked`) unless
      the config sets ``allow_partial_checkpoint=True``, which logs what was
      not loaded.
    * Training always has a
      :class:`~mmavs.engine.hooks.NonFiniteLossHook`: the one the config
      lists (``configs/_base_/default_runtime.py`` lists it with
      ``policy='stop'``), else one with ``policy='stop'``.

    Use it with ``runner_type = 'AVSRunner'`` (set in
    ``configs/_base_/default_runtime.py``).
    """

    _unsafe_load: bool = False

    def set_unsafe_load(self, enabled: bool) -> None:
        """Allow full unpickling of the checkpoint this runner loads.

        Only the tools call it, for their ``--unsafe-load`` command-line
        flag; each such load logs a warning naming the file.

        Args:
            enabled (bool): Whether to allow it.
        """
        self._unsafe_load = bool(enabled)

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

    def register_hooks(self, default_hooks=None, custom_hooks=None) -> None:
        """Register the hooks, adding a ``NonFiniteLossHook`` if none."""
        super().register_hooks(default_hooks, custom_hooks)
        from mmavs.engine.hooks import NonFiniteLossHook
        if not any(isinstance(h, NonFiniteLossHook) for h in self._hooks):
            self.register_hook(NonFiniteLossHook(policy='stop'))

    def latest_checkpoint_in_work_dir(self) -> Optional[str]:
        """The path the work dir's ``last_checkpoint`` names, if any.

        Returns:
            str | None: The path, or None when there is nothing to resume.

        Raises:
            ResumePathError: If the path lies outside the work dir.
        """
        latest = find_latest_checkpoint(self.work_dir)
        if latest is None:
            return None
        work_dir = osp.realpath(self.work_dir)
        real = osp.realpath(latest)
        if os.path.commonpath([work_dir, real]) != work_dir:
            own = osp.join(self.work_dir, osp.basename(latest))
            hint = (f'; if this work dir was copied or moved, resume from '
                    f'its own copy: --resume {own}' if osp.isfile(own) else '')
            raise ResumePathError(
                f'{osp.join(self.work_dir, "last_checkpoint")} names '
                f'{latest}, which lies outside the work dir {self.work_dir}'
                f' (resolved: {real}); auto-resume only reads checkpoints '
                'inside the work dir. To resume from that file, name it: '
                f'tools/train.py CONFIG --resume {latest}{hint}')
        return latest

    def load_or_resume(self) -> None:
        """Load ``load_from`` or resume, checking the paths first."""
        if self._has_loaded:
            return
        resume_from = None
        if self._resume and self._load_from is None:
            resume_from = self.latest_checkpoint_in_work_dir()
            self.logger.info(
                f'Auto resumed from the latest checkpoint {resume_from}.')
        elif self._resume:
            resume_from = self._load_from
        path = resume_from or self._load_from
        if path is None:
            return
        if '://' not in path and not osp.isfile(osp.expanduser(path)):
            raise FileNotFoundError(
                f'checkpoint {path} (load_from / resume / test checkpoint) '
                'does not exist')
        if self._unsafe_load:
            if '://' in path:
                raise ValueError(
                    f'--unsafe-load applies to local files; download {path} '
                    'and name the local file')
            allow_unsafe_load(path)
        if resume_from is not None:
            self.resume(resume_from)
        else:
            self.load_checkpoint(self._load_from)
        self._has_loaded = True

    def load_checkpoint(self,
                        filename: str,
                        map_location: Union[str, Callable] = 'cpu',
                        strict: bool = False,
                        revise_keys: list = list(DEFAULT_REVISE_KEYS)):
        """Load a checkpoint into the model, refusing one that does not fit.

        ``strict`` of mmengine's signature is ignored: a checkpoint that does
        not fit the model is an error unless the config sets
        ``allow_partial_checkpoint=True``.

        Args:
            filename (str): Checkpoint path or URL.
            map_location (str | Callable): Same as :func:`torch.load`.
            strict (bool): Unused (see above).
            revise_keys (list): ``(pattern, replacement)`` pairs applied to
                the checkpoint's keys.

        Returns:
            dict: The loaded checkpoint.
        """
        checkpoint = _load_checkpoint(filename, map_location=map_location)
        self.call_hook('after_load_checkpoint', checkpoint=checkpoint)
        load_state_dict_checked(
            self.model,
            checkpoint,
            filename,
            allow_partial=bool(
                self.cfg.get('allow_partial_checkpoint', False)),
            revise_keys=revise_keys,
            logger=self.logger)
        self._has_loaded = True
        self.logger.info(f'Load checkpoint from {filename}')
        return checkpoint
