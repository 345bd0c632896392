# Copyright (c) mmavs contributors. All rights reserved.
"""Integration: tools/train.py, tools/test.py, dist launchers.

``--resume`` is compared with an uninterrupted run in test_resume.py; the
bad-input cases of the tools (missing checkpoint or data root, unknown
component type, corrupt files, ...) are run by
tools/misc/fault_injection.py (tests/test_tools/test_fault_injection.py).
"""
import glob
import json
import os.path as osp

import pytest
import torch

from mmavs.evaluation.metrics.dump_av_results import load_av_results
from mmavs.testing import run_tool, small_run_options

CONFIG = 'configs/film/film_simpleconv_1xb4-300it_synthavs-ms3-64x64.py'

pytestmark = pytest.mark.slow


def _options(root, max_iters=4, extra=()):
    return (['--cfg-options'] + small_run_options(root, max_iters=max_iters) +
            list(extra))


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
    preds = load_av_results(out)
    assert len(preds) == 7  # 7 test clips ...
    assert len({clip['clip_id'] for clip in preds}) == 7
    for clip in preds:  # ... of 5 frames each, in order
        assert [f['frame_idx'] for f in clip['frames']] == list(range(5))
        assert all(f['clip_id'] == clip['clip_id'] for f in clip['frames'])
        assert clip['frames'][0]['pred_sem_seg']['data'].shape == (1, 32, 32)
    overlays = glob.glob(str(tmp_path / '*' / 'vis' / '*' / '*.png'))
    assert len(overlays) == 7 * 5
    # batches of 2 clips (small_run_options): 2, 2, 2, 1
    assert [c['batch_clips'] for c in preds] == [2] * 6 + [1]

    # metric_audit re-scores the file exactly as AVSMetric scored the run,
    # in its 'frame' mode (the config's) and its 'avsbench' mode
    official = tmp_path / 'avsbench'
    run_tool([
        'tools/test.py', CONFIG,
        osp.join(work_dir, 'iter_4.pth'), '--work-dir',
        str(official)
    ] + _options(root, extra=['test_evaluator.mode=avsbench']))
    with open(official / 'metrics.json') as f:
        per_batch = json.load(f)
    rows_file = tmp_path / 'rows.json'
    run_tool([
        'tools/analysis_tools/metric_audit.py', out, '--json',
        str(rows_file)
    ])
    with open(rows_file) as f:
        rows = {r['convention']: r for r in json.load(f)}
    frame = rows['per frame, empty GT in J, out of F']
    assert (frame['J'], frame['F']) == (metrics['J@frame'],
                                        metrics['F@frame'])
    tested = rows['per batch, 2 clip(s) as tested']
    assert (tested['J'], tested['F']) == (per_batch['J@avsbench'],
                                          per_batch['F@avsbench'])
    assert rows['per batch, 2 clip(s)']['F'] == per_batch['F@avsbench']


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
