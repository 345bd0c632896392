# Copyright (c) mmavs contributors. All rights reserved.
"""NonFiniteLossHook: stop or skip on a non-finite loss, naming it."""
import glob
import itertools
import os.path as osp

import pytest
import torch
from mmengine.model import BaseModel
from mmseg.structures import SegDataSample
from torch.utils.data import Dataset

import mmavs  # noqa: F401
from mmavs.datasets.collate import av_collate
from mmavs.engine.hooks import NonFiniteLossError, NonFiniteLossHook
from mmavs.engine.runner import AVSRunner
from mmavs.testing import log_records

T = 2  # frames per clip
_RUNS = itertools.count()


class _Clips(Dataset):
    """Clips 'clip0' ... ; the audio of the clip named ``bad`` is NaN."""

    def __init__(self, num=8, bad=None):
        self.num, self.bad = num, bad

    def __len__(self):
        return self.num

    def __getitem__(self, idx):
        name = f'clip{idx}'
        audio = torch.full((T, 3), float(idx + 1))
        if name == self.bad:
            audio[1, 2] = float('nan')
        samples = [
            SegDataSample(metainfo=dict(clip_id=name, frame_idx=t))
            for t in range(T)
        ]
        return dict(
            inputs=dict(
                frames=torch.zeros(T, 3, 2, 2, dtype=torch.uint8),
                audio=audio),
            data_samples=samples)


class _ToyModel(BaseModel):
    """loss_fit: (w . mean audio - 1)^2; loss_grad_nan: sqrt(0 * w) (finite,
    with NaN gradients) when ``nan_grad``."""

    def __init__(self, nan_grad=False):
        super().__init__()
        self.w = torch.nn.Parameter(torch.full((3, ), 0.1))
        self.nan_grad = nan_grad

    def forward(self, inputs, data_samples=None, mode='tensor'):
        audio = torch.stack(inputs['audio'])  # [B, T, 3]
        pred = (audio.mean(1) * self.w).sum(-1)
        losses = dict(loss_fit=((pred - 1)**2).mean())
        if self.nan_grad:
            losses['loss_grad_nan'] = torch.sqrt(self.w[0] * 0)
        return losses


def _runner(tmp_path, hook, bad=None, nan_grad=False, max_iters=4):
    return AVSRunner(
        model=_ToyModel(nan_grad),
        work_dir=str(tmp_path),
        train_dataloader=dict(
            dataset=_Clips(bad=bad),
            sampler=dict(type='DefaultSampler', shuffle=False),
            batch_size=2,
            collate_fn=av_collate,
            num_workers=0),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01, momentum=0.9)),
        train_cfg=dict(by_epoch=False, max_iters=max_iters),
        default_hooks=dict(
            checkpoint=dict(type='CheckpointHook', interval=1,
                            by_epoch=False)),
        custom_hooks=[hook] if hook is not None else None,
        default_scope='mmavs',
        experiment_name=f'nonfinite_{next(_RUNS)}')


def _checkpoints(tmp_path):
    return sorted(osp.basename(p) for p in glob.glob(str(tmp_path / '*.pth')))


def test_stop_names_iteration_terms_and_clips(tmp_path):
    # batches of 2 clips, in order: iteration 2 holds clip2 and clip3
    runner = _runner(tmp_path, dict(type='NonFiniteLossHook'), bad='clip3')
    with pytest.raises(NonFiniteLossError) as err:
        runner.train()
    message = str(err.value)
    assert message.startswith('Iteration 2 (Iter(train) [2/4])')
    assert 'loss=nan' in message and 'loss_fit=nan' in message
    assert 'clips of the batch: clip2, clip3' in message
    assert 'inputs holding NaN/inf: clip3: audio' in message
    # the step was not taken, and nothing of iteration 2 was saved
    assert torch.isfinite(runner.model.w).all()
    assert _checkpoints(tmp_path) == ['iter_1.pth']
    saved = torch.load(tmp_path / 'iter_1.pth', weights_only=False)
    torch.testing.assert_close(saved['state_dict']['w'], runner.model.w)


def test_skip_counts_the_skipped_steps(tmp_path):
    clean_dir = tmp_path / 'clean'
    clean = _runner(clean_dir, NonFiniteLossHook(policy='skip'), max_iters=1)
    clean.train()  # one step on clip0, clip1: the same as below
    hook = NonFiniteLossHook(policy='skip')
    runner = _runner(tmp_path / 'skip', hook, bad='clip1', max_iters=4)
    with log_records() as records:
        runner.train()
    warnings = [r.getMessage() for r in records if r.levelname == 'WARNING']
    skipped = [m for m in warnings if 'The optimizer step was skipped' in m]
    assert len(skipped) == 1 and hook.num_skipped == 1
    assert skipped[0].startswith('Iteration 1 (Iter(train) [1/4])')
    assert 'clips of the batch: clip0, clip1' in skipped[0]
    assert '1 step(s) skipped so far' in skipped[0]
    assert any('1 optimizer step(s) were skipped' in m for m in warnings)
    assert torch.isfinite(runner.model.w).all()
    # iterations 2..4 trained; iteration 1 changed nothing: the first
    # checkpoint equals the initial weights
    first = torch.load(tmp_path / 'skip' / 'iter_1.pth', weights_only=False)
    torch.testing.assert_close(first['state_dict']['w'], torch.full((3, ),
                                                                    0.1))
    assert not torch.equal(clean.model.w.detach(), torch.full((3, ), 0.1))
    # the wrapper is restored after training
    assert 'update_params' not in vars(runner.optim_wrapper)


def test_finite_loss_with_non_finite_gradients(tmp_path):
    runner = _runner(tmp_path, dict(type='NonFiniteLossHook'), nan_grad=True)
    with pytest.raises(
            NonFiniteLossError, match=r'Iteration 1 .*non-finite gradients'):
        runner.train()
    assert torch.isfinite(runner.model.w).all()
    assert _checkpoints(tmp_path) == []


def test_max_skips_and_default_hook(tmp_path):
    hook = NonFiniteLossHook(policy='skip', max_skips=0)
    runner = _runner(tmp_path / 'a', hook, bad='clip0')
    with pytest.raises(NonFiniteLossError, match='max_skips=0'):
        runner.train()
    # a config without the hook still gets one that stops
    runner = _runner(tmp_path / 'b', None, bad='clip0')
    assert sum(isinstance(h, NonFiniteLossHook) for h in runner.hooks) == 1
    with pytest.raises(NonFiniteLossError, match='clip0: audio'):
        runner.train()
    with pytest.raises(ValueError, match='policy'):
        NonFiniteLossHook(policy='ignore')


@pytest.mark.slow
@pytest.mark.skipif(
    torch.cuda.is_available(),
    reason='the gloo CPU path is only taken without CUDA')
def test_processes_skip_together():
    from mmavs.testing import run_processes
    from mmavs.testing.dist_checks import non_finite_guard_steps
    results = run_processes(non_finite_guard_steps, 2, timeout=180)
    for ok, value in results:
        assert ok, value
    (_, r0), (_, r1) = results
    # rank 1 saw the NaN, rank 0 learnt it from the reduction: both skip
    assert r1['first']['local_loss'] and r1['first']['any_loss']
    assert not r0['first']['local_loss'] and r0['first']['any_loss']
    assert r0['unchanged_by_first'] and r1['unchanged_by_first']
    # the next, finite step is taken by both, identically
    assert r0['second'] is None and r1['second'] is None
    assert torch.equal(r0['weight'], r1['weight'])
    assert torch.isfinite(r0['weight']).all()
