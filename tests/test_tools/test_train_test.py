# Copyright (c) mmavs contributors. All rights reserved.
"""Integration: tools/train.py, tools/test.py, dist launchers (--resume:
test_resume.py)."""
import glob
import json
import os.path as osp
import pickle

import pytest
import torch

from mmavs.testing import run_tool, small_run_options

CONFIG = 'configs/film/film_simpleconv_1xb4-300it_synthavs-ms3-64x64.py'

pytestmark = pytest.mark.slow


def _options(root, max_iters=4, extra=()):
    return ['--cfg-options'] + small_run_options(root, max_iters) + list(extra)


@pytest.fixture(scope='module')
def trained(synthavs_small, tmp_path_factory):
    work_dir = str(tmp_path_factory.mktemp('train'))
    run_tool(['tools/train.py', CONFIG, '--work-dir', work_dir] +
             _options(synthavs_small))
    return synthavs_small, work_dir


def test_train_writes_checkpoints(trained):
    _, work_dir = trained
    assert osp.isfile(osp.join(work_dir, 'iter_4.pth'))
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        assert f.read().strip().endswith('iter_4.pth')


def test_test_tool_writes_metrics_predictions_and_overlays(
        trained, tmp_path):
    root, work_dir = trained
    out = str(tmp_path / 'preds.pkl')
    run_tool([
        'tools/test.py', CONFIG,
        osp.join(work_dir, 'iter_4.pth'), '--work-dir',
        str(tmp_path), '--out', out, '--show-dir', 'vis'
    ] + _options(root))
    with open(tmp_path / 'metrics.json') as f:
        metrics = json.load(f)
    assert metrics, 'no metrics written'
    assert all(isinstance(v, (int, float)) for v in metrics.values())
    with open(out, 'rb') as f:
        preds = pickle.load(f)
    assert len(preds) == 7  # 7 test clips ...
    assert len({clip['clip_id'] for clip in preds}) == 7
    for clip in preds:  # ... of 5 frames each, in order
        assert [f['frame_idx'] for f in clip['frames']] == list(range(5))
        assert all(f['clip_id'] == clip['clip_id'] for f in clip['frames'])
        assert clip['frames'][0]['pred_sem_seg']['data'].shape == (1, 32, 32)
    overlays = glob.glob(str(tmp_path / '*' / 'vis' / '*' / '*.png'))
    assert len(overlays) == 7 * 5


def test_two_process_training_and_evaluation_on_cpu(trained, tmp_path):
    root, work_dir = trained
    dist_dir = str(tmp_path / 'dist')
    proc = run_tool(['tools/dist_train.sh', CONFIG, '2', '--work-dir',
                     dist_dir] + _options(root))
    log = proc.stdout + proc.stderr
    assert 'world_size: 2' in log or "'world_size': 2" in log or \
        'Distributed launcher: pytorch' in log
    assert osp.isfile(osp.join(dist_dir, 'iter_4.pth'))

    ckpt = osp.join(work_dir, 'iter_4.pth')
    single = tmp_path / 'single_eval'
    double = tmp_path / 'double_eval'
    run_tool(['tools/test.py', CONFIG, ckpt, '--work-dir', str(single)] +
             _options(root))
    run_tool(['tools/dist_test.sh', CONFIG, ckpt, '2', '--work-dir',
              str(double)] + _options(root))
    with open(single / 'metrics.json') as f:
        one = json.load(f)
    with open(double / 'metrics.json') as f:
        two = json.load(f)
    assert one == two  # 7 clips: uneven shards (4 + 3) on 2 processes


def test_missing_checkpoint_is_named(tmp_path):
    proc = run_tool(['tools/test.py', CONFIG, str(tmp_path / 'nope.pth')],
                    check=False)
    assert proc.returncode != 0
    assert 'nope.pth' in proc.stderr and 'does not exist' in proc.stderr


def test_unknown_component_type_is_named(synthavs_small, tmp_path):
    proc = run_tool(
        ['tools/train.py', CONFIG, '--work-dir', str(tmp_path)] +
        _options(synthavs_small, extra=['model.neck.type=NoSuchNeck']),
        check=False)
    assert proc.returncode != 0
    assert 'NoSuchNeck' in proc.stderr


def test_missing_data_root_is_named(tmp_path):
    missing = str(tmp_path / 'no_such_data_root')
    proc = run_tool(['tools/train.py', CONFIG, '--work-dir',
                     str(tmp_path / 'w')] + _options(missing), check=False)
    assert proc.returncode != 0
    assert 'no_such_data_root' in proc.stderr


@pytest.mark.skipif(torch.cuda.is_available(),
                    reason='on a GPU --amp is a valid request')
def test_amp_on_cpu_is_refused_clearly(tmp_path):
    proc = run_tool(['tools/train.py', CONFIG, '--amp', '--work-dir',
                     str(tmp_path)], check=False)
    assert proc.returncode != 0
    assert '--amp needs a GPU' in proc.stderr
