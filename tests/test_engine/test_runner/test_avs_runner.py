# Copyright (c) mmavs contributors. All rights reserved.
"""AVSRunner: the non-finite-loss guard, auto-resume inside the work dir,
checkpoints that must fit the model."""
import itertools
import os
import os.path as osp

import pytest
import torch
from mmengine.model import BaseModel

import mmavs  # noqa: F401
from mmavs.engine.hooks import NonFiniteLossHook
from mmavs.engine.runner import AVSRunner
from mmavs.engine.runner.avs_runner import ResumePathError
from mmavs.utils.model_checkpoint import CheckpointMismatchError

_RUNS = itertools.count()


class _Model(BaseModel):

    def __init__(self):
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(3))

    def forward(self, inputs, data_samples=None, mode='tensor'):
        return dict(loss=(self.w**2).sum())


def _runner(work_dir, **kwargs):
    return AVSRunner(
        model=_Model(),
        work_dir=str(work_dir),
        default_scope='mmavs',
        experiment_name=f'avs_runner_{next(_RUNS)}',
        **kwargs)


def _guards(runner):
    return [h for h in runner.hooks if isinstance(h, NonFiniteLossHook)]


def test_a_non_finite_loss_guard_is_always_registered(tmp_path):
    guards = _guards(_runner(tmp_path / 'a'))
    assert len(guards) == 1 and guards[0].policy == 'stop'
    # the one a config lists is kept, not doubled
    listed = _runner(
        tmp_path / 'b',
        custom_hooks=[dict(type='NonFiniteLossHook', policy='skip')])
    guards = _guards(listed)
    assert len(guards) == 1 and guards[0].policy == 'skip'


def test_auto_resume_reads_only_checkpoints_inside_the_work_dir(tmp_path):
    work = tmp_path / 'work'
    runner = _runner(work)
    assert runner.latest_checkpoint_in_work_dir() is None
    inside = work / 'iter_2.pth'
    inside.write_bytes(b'x')
    (work / 'last_checkpoint').write_text(str(inside))
    assert runner.latest_checkpoint_in_work_dir() == str(inside)
    outside = tmp_path / 'elsewhere' / 'iter_2.pth'
    outside.parent.mkdir()
    outside.write_bytes(b'x')
    (work / 'last_checkpoint').write_text(str(outside))
    with pytest.raises(ResumePathError) as err:
        runner.latest_checkpoint_in_work_dir()
    text = str(err.value)
    assert str(outside) in text and 'outside the work dir' in text
    # the work dir's own copy of that file is named as the way out
    assert f'--resume {osp.join(str(work), "iter_2.pth")}' in text
    # a link from inside to outside is outside too
    os.remove(inside)
    os.symlink(outside, inside)
    (work / 'last_checkpoint').write_text(str(inside))
    with pytest.raises(ResumePathError):
        runner.latest_checkpoint_in_work_dir()


def test_missing_load_from_is_named(tmp_path):
    runner = _runner(tmp_path, load_from=str(tmp_path / 'nothere.pth'))
    with pytest.raises(FileNotFoundError, match='nothere.pth'):
        runner.load_or_resume()


def test_checkpoint_must_fit_the_model(tmp_path):
    runner = _runner(tmp_path)
    good = tmp_path / 'good.pth'
    torch.save(dict(state_dict=dict(w=torch.tensor([1., 2., 3.]))), good)
    runner.load_checkpoint(str(good))
    torch.testing.assert_close(runner.model.w.data,
                               torch.tensor([1., 2., 3.]))
    bad = tmp_path / 'bad.pth'
    torch.save(
        dict(state_dict=dict(w=torch.zeros(3), extra=torch.zeros(1))), bad)
    with pytest.raises(CheckpointMismatchError, match='extra'):
        runner.load_checkpoint(str(bad))
