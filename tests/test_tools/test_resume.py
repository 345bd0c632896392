# Copyright (c) mmavs contributors. All rights reserved.
"""``tools/train.py --resume`` continues a run exactly.

Four iterations, stop, resume and two more must give, to the bit on CPU, what
six uninterrupted iterations under the same seed give: the weights, the
optimizer state (AdamW moments and step counts), the scheduler state, every
logged loss value, and the update counter of ``EvidentialLoss`` (its KL
annealing weight), which lives in a buffer of the model.

The tiny RAVS config is used because it has all of these: AdamW, a warmup
scheduler, the evidential loss and an InfoNCE loss. Its frozen audio encoder
is left randomly initialised (seeded) so that the test does not depend on
the pretrained SynthAVS checkpoint.
"""
import glob
import json
import os.path as osp

import pytest
import torch

from mmavs.testing import run_tool, small_run_options

CONFIG = 'configs/ravs/ravs_simpleconv_1xb4-300it_synthavs-ms3-64x64.py'
COUNTER = 'decode_head.loss_evidential.num_updates'

pytestmark = pytest.mark.slow


def _train(root, work_dir, max_iters, resume=False):
    opts = small_run_options(
        root, max_iters,
        val_interval=100) + ['model.audio_backbone.init_cfg=None']
    run_tool(['tools/train.py', CONFIG, '--work-dir', work_dir] +
             (['--resume'] if resume else []) + ['--cfg-options'] + opts)


def _checkpoint(work_dir, name):
    # written by this test's own training run moments ago
    return torch.load(
        osp.join(work_dir, name), map_location='cpu', weights_only=False)


def _logged(work_dir):
    """Every logged training record (all runs of the work dir), by iter."""
    records = {}
    for path in sorted(
            glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))):
        with open(path) as f:
            for line in f:
                rec = json.loads(line)
                if 'loss' in rec:  # training records only
                    assert rec['iter'] not in records, \
                        f'iteration {rec["iter"]} trained twice'
                    records[rec['iter']] = rec
    return records


def _assert_tensors_equal(a, b, what):
    assert type(a) is type(b), what
    if isinstance(a, dict):
        assert a.keys() == b.keys(), what
        for k in a:
            _assert_tensors_equal(a[k], b[k], f'{what}[{k!r}]')
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), what
        for i, (x, y) in enumerate(zip(a, b)):
            _assert_tensors_equal(x, y, f'{what}[{i}]')
    elif isinstance(a, torch.Tensor):
        assert a.dtype == b.dtype and a.shape == b.shape, what
        assert torch.equal(a, b), f'{what} differs'
    else:
        assert a == b, f'{what}: {a!r} != {b!r}'


@pytest.fixture(scope='module')
def runs(synthavs_small, tmp_path_factory):
    straight = str(tmp_path_factory.mktemp('straight'))
    _train(synthavs_small, straight, 6)
    resumed = str(tmp_path_factory.mktemp('resumed'))
    _train(synthavs_small, resumed, 4)
    _train(synthavs_small, resumed, 6, resume=True)
    return straight, resumed


def test_resumed_run_equals_uninterrupted_run(runs):
    straight, resumed = runs
    a = _checkpoint(straight, 'iter_6.pth')
    b = _checkpoint(resumed, 'iter_6.pth')
    assert a['meta']['iter'] == b['meta']['iter'] == 6
    # weights and buffers, the evidential loss's update counter included
    _assert_tensors_equal(a['state_dict'], b['state_dict'], 'state_dict')
    assert int(a['state_dict'][COUNTER]) == 6
    # AdamW: per-parameter step, exp_avg, exp_avg_sq and the param groups
    assert len(a['optimizer']['state']) > 0
    _assert_tensors_equal(a['optimizer'], b['optimizer'], 'optimizer')
    _assert_tensors_equal(a['param_schedulers'], b['param_schedulers'],
                          'param_schedulers')
    assert a['param_schedulers'][0]['last_step'] == 6


def test_every_logged_loss_is_equal(runs):
    straight, resumed = runs
    want, got = _logged(straight), _logged(resumed)
    assert sorted(want) == sorted(got) == [1, 2, 3, 4, 5, 6]
    # the resumed work dir holds two runs: iterations 1-4, then 5-6
    assert len(glob.glob(osp.join(resumed, '*', 'vis_data'))) == 2
    keys = [k for k in want[1] if 'loss' in k or k == 'lr']
    assert {'loss', 'decode.loss_evidential', 'loss_csl', 'lr'} <= set(keys)
    for it in range(1, 7):
        for k in keys:
            assert got[it][k] == want[it][k], f'iter {it} {k}'
