# Copyright (c) mmavs contributors. All rights reserved.
"""Stop training, or skip the step, when the loss is not finite."""
import logging
from typing import List, Optional, Sequence

import torch
from mmengine.dist import all_reduce, get_world_size
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.optim import AmpOptimWrapper, OptimWrapper, OptimWrapperDict

from mmavs.registry import HOOKS

POLICIES = ('stop', 'skip')


class NonFiniteLossError(FloatingPointError):
    """Training met a non-finite loss (or gradient) under ``policy='stop'``."""


def _clip_names(data_batch) -> List[str]:
    """One name per clip of an :func:`~mmavs.datasets.av_collate` batch."""
    if not isinstance(data_batch, dict):
        return []
    inputs = data_batch.get('inputs') or {}
    samples = data_batch.get('data_samples') or []
    frames = inputs.get('frames') if isinstance(inputs, dict) else None
    if not frames or not samples:
        return []
    names, start = [], 0
    for clip in frames:
        meta = samples[start].metainfo if start < len(samples) else {}
        name = str(meta.get('clip_id', f'#{len(names)}'))
        cond = meta.get('audio_condition')
        if cond and cond != 'positive':
            name += f' ({cond} audio)'
        names.append(name)
        start += int(clip.shape[0])
    return names


def _non_finite_inputs(data_batch, names: Sequence[str]) -> List[str]:
    """``'clip: input'`` for every clip input holding NaN or inf."""
    inputs = data_batch.get('inputs') if isinstance(data_batch, dict) else {}
    found = []
    for key, values in (inputs.items() if isinstance(inputs, dict) else ()):
        for idx, value in enumerate(
                values if isinstance(values, list) else [values]):
            if (isinstance(value, torch.Tensor) and value.is_floating_point()
                    and not bool(torch.isfinite(value).all())):
                name = names[idx] if idx < len(names) else f'#{idx}'
                found.append(f'{name}: {key}')
    return found


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Stop training, or skip the optimizer step, on a non-finite loss.

    mmengine offers two partial guards: ``clip_grad=dict(...,
    error_if_nonfinite=True)`` of :class:`~mmengine.optim.OptimWrapper`
    (a bare error from the gradient norm, only when gradients are clipped,
    naming neither batch nor loss term) and the dynamic loss scaler of
    :class:`~mmengine.optim.AmpOptimWrapper` (silently skips steps whose
    scaled gradients overflow, GPU only). Neither names the iteration, the
    loss terms or the clips, and the plain wrapper steps on NaN otherwise,
    after which every parameter is NaN and the next checkpoint is corrupt.

    This hook closes the gap without changing the optimizer wrapper's type
    (so ``--amp`` keeps working): at ``before_train`` it wraps the
    ``update_params`` method of the runner's optimizer wrapper so that, after
    the backward pass, the step is taken only if the loss of every
    accumulated micro-batch was finite and (for the plain wrapper) the
    gradients are finite; under AMP the gradient check is left to the loss
    scaler. With several processes the decision is reduced over all of them
    (every process skips together, so DDP stays in step). The backward pass
    always runs, so DDP's gradient all-reduce is never left unmatched.

    After the iteration (``after_train_iter``, before the logger and the
    checkpoint hook run), a skipped step is reported with the iteration
    (as ``Iter(train) [k/N]`` counts it), the non-finite loss terms of
    ``outputs``, the clips of the batch and the clip inputs that hold NaN or
    inf:

    - ``policy='stop'`` (default) raises :class:`NonFiniteLossError`. The
      parameters are those before the bad step and no checkpoint of the
      bad iteration is written.
    - ``policy='skip'`` logs a warning, counting the skipped steps, and
      goes on; ``max_skips`` stops training once more steps than that were
      skipped.

    :class:`~mmavs.engine.runner.AVSRunner` adds ``NonFiniteLossHook()``
    when a config lists none. Change the policy with
    ``--cfg-options custom_hooks.0.policy=skip`` (the hook is the first of
    ``custom_hooks`` in ``configs/_base_/default_runtime.py``).

    Args:
        policy (str): ``'stop'`` or ``'skip'``. Defaults to ``'stop'``.
        check_grads (bool): Also skip steps whose gradients are not finite
            while the loss is (plain ``OptimWrapper`` only). Defaults to
            True.
        max_skips (int, optional): With ``policy='skip'``, stop once more
            than this many steps were skipped. Defaults to None (no limit).
    """

    priority = 'ABOVE_NORMAL'

    def __init__(self,
                 policy: str = 'stop',
                 check_grads: bool = True,
                 max_skips: Optional[int] = None) -> None:
        if policy not in POLICIES:
            raise ValueError(f'NonFiniteLossHook: policy must be one of '
                             f'{POLICIES}, got {policy!r}')
        if max_skips is not None and max_skips < 0:
            raise ValueError(f'max_skips must be >= 0, got {max_skips}')
        self.policy = policy
        self.check_grads = check_grads
        self.max_skips = max_skips
        self.num_skipped = 0
        self._optim_wrapper: Optional[OptimWrapper] = None
        self._window_loss_bad = False
        self._skipped: Optional[dict] = None

    # ------------------------------------------------------------------
    # the guard around OptimWrapper.update_params
    # ------------------------------------------------------------------
    def _install(self, optim_wrapper) -> None:
        if isinstance(optim_wrapper, OptimWrapperDict) or not isinstance(
                optim_wrapper, OptimWrapper):
            raise NotImplementedError(
                'NonFiniteLossHook guards one OptimWrapper / '
                f'AmpOptimWrapper; got {type(optim_wrapper).__name__}')
        self._uninstall()
        optim_wrapper.update_params = self._guarded_update_params
        self._optim_wrapper = optim_wrapper

    def _uninstall(self) -> None:
        if self._optim_wrapper is not None:
            self._optim_wrapper.__dict__.pop('update_params', None)
            self._optim_wrapper = None

    def _grads_finite(self) -> bool:
        grads = [
            p.grad for group in self._optim_wrapper.param_groups
            for p in group['params'] if p.grad is not None
        ]
        if not grads:
            return True
        norm = torch.nn.utils.get_total_norm(grads, norm_type=2.0)
        return bool(torch.isfinite(norm))

    def _guarded_update_params(self,
                               loss: torch.Tensor,
                               step_kwargs: Optional[dict] = None,
                               zero_kwargs: Optional[dict] = None) -> None:
        """``OptimWrapper.update_params`` that steps only on finite values.

        Same order as mmengine's: scale the loss for gradient accumulation,
        backward, and at the end of an accumulation window step and zero
        the gradients.
        """
        wrapper = self._optim_wrapper
        if not bool(torch.isfinite(loss.detach()).all()):
            self._window_loss_bad = True
        wrapper.backward(wrapper.scale_loss(loss))
        if not wrapper.should_update():
            return
        grads_bad = (
            self.check_grads and not isinstance(wrapper, AmpOptimWrapper)
            and not self._window_loss_bad and not self._grads_finite())
        flags = torch.tensor([float(self._window_loss_bad),
                              float(grads_bad)],
                             device=loss.device)
        local_loss_bad = self._window_loss_bad
        self._window_loss_bad = False
        if get_world_size() > 1:
            all_reduce(flags, op='max')
        if bool(flags.any()):
            wrapper.zero_grad(**(zero_kwargs or {}))
            self._skipped = dict(
                local_loss=local_loss_bad,
                any_loss=bool(flags[0]),
                grads=bool(flags[1]))
            return
        wrapper.step(**(step_kwargs or {}))
        wrapper.zero_grad(**(zero_kwargs or {}))

    # ------------------------------------------------------------------
    # hook points
    # ------------------------------------------------------------------
    def before_train(self, runner) -> None:
        """Guard the runner's optimizer wrapper."""
        self.num_skipped = 0
        self._install(runner.optim_wrapper)

    def before_train_iter(self,
                          runner,
                          batch_idx: int,
                          data_batch=None) -> None:
        """Forget the previous iteration's verdict."""
        self._skipped = None

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        """Report a skipped step; stop under ``policy='stop'``."""
        if self._skipped is None:
            return
        skipped, self._skipped = self._skipped, None
        message = self._describe(runner, skipped, data_batch, outputs or {})
        if self.policy == 'stop':
            self._uninstall()
            raise NonFiniteLossError(
                f'{message}. Training stopped (NonFiniteLossHook, '
                "policy='stop'): the optimizer step was not taken, so the "
                'parameters are those of the previous iteration, and no '
                'checkpoint of this iteration was written. To skip such '
                "steps instead, set the hook's policy='skip' (--cfg-options "
                'custom_hooks.0.policy=skip).')
        self.num_skipped += 1
        print_log(
            f'{message}. The optimizer step was skipped '
            f"(NonFiniteLossHook, policy='skip'; {self.num_skipped} step(s) "
            'skipped so far).',
            logger='current',
            level=logging.WARNING)
        if self.max_skips is not None and self.num_skipped > self.max_skips:
            self._uninstall()
            raise NonFiniteLossError(
                f'NonFiniteLossHook skipped {self.num_skipped} steps, more '
                f'than max_skips={self.max_skips}; training stopped.')

    def after_train(self, runner) -> None:
        """Restore the optimizer wrapper and summarise the skipped steps."""
        self._uninstall()
        if self.num_skipped:
            print_log(
                f'NonFiniteLossHook: {self.num_skipped} optimizer step(s) '
                'were skipped for non-finite values during training.',
                logger='current',
                level=logging.WARNING)

    @staticmethod
    def _describe(runner, skipped: dict, data_batch, outputs: dict) -> str:
        terms = {}
        for key, value in outputs.items():
            if 'loss' not in key:
                continue
            value = torch.as_tensor(value).detach().float()
            if not bool(torch.isfinite(value).all()):
                terms[key] = value.mean().item()
        where = f'Iteration {runner.iter + 1}'
        if getattr(runner, 'max_iters', None):
            where += f' (Iter(train) [{runner.iter + 1}/{runner.max_iters}])'
        if skipped['local_loss']:
            listed = ', '.join(f'{k}={v}' for k, v in terms.items())
            what = f'non-finite loss ({listed or "loss terms unknown"})'
        elif skipped['any_loss']:
            what = ('non-finite loss in the batch of another process (this '
                    'process had finite losses)')
        else:
            what = ('non-finite gradients (the loss terms are finite: '
                    'look for a NaN-producing operation, e.g. sqrt or log '
                    'at 0, or an exploding learning rate)')
        names = _clip_names(data_batch) if data_batch is not None else []
        message = f'{where}: {what}; clips of the batch: '
        message += ', '.join(names) if names else 'unknown'
        bad_inputs = (
            _non_finite_inputs(data_batch, names)
            if data_batch is not None else [])
        if bad_inputs:
            message += ('; inputs holding NaN/inf: ' + ', '.join(bad_inputs))
        return message
