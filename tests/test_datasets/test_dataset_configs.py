# Copyright (c) mmavs contributors. All rights reserved.
"""The dataset configs build on fixture trees and pack clips; the data
benchmark runs."""
import importlib.util
import os.path as osp
import re

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

import mmavs  # noqa: F401
from mmavs.registry import DATASETS
from mmavs.testing import (make_avss_fixture, make_ms3_fixture,
                           make_s4_fixture, make_vpo_fixture, repo_root)

CFG_DIR = osp.join(repo_root(), 'configs', '_base_', 'datasets')


def _load(name):
    return Config.fromfile(osp.join(CFG_DIR, name))


def _fixture(layout, root):
    if layout == 's4':
        make_s4_fixture(root, size=(48, 64))
    elif layout == 'ms3':
        make_ms3_fixture(root, size=(48, 64))
    elif layout == 'avss':
        make_avss_fixture(
            root, (('v1s', 'train'), ('v2', 'train'), ('v1m', 'val'),
                   ('v2', 'test')),
            size=(48, 64))
    else:
        make_vpo_fixture(
            root, layout, size=(48, 64), ms_root=osp.join(root, 'ms'))


@pytest.mark.parametrize('name,layout,T,audio', [
    ('avsbench_s4.py', 's4', 5, (5, 1, 96, 64)),
    ('avsbench_ms3.py', 'ms3', 5, (5, 1, 96, 64)),
    ('avss.py', 'avss', 10, (10, 1, 96, 64)),
    ('vpo.py', 'ss', 1, (1, 3, 96, 64)),
    ('vpo_ms.py', 'ms', 1, (1, 3, 96, 64)),
    ('vpo_msmi.py', 'msmi', 1, (1, 3, 96, 64)),
])
def test_config_pipelines_on_fixture(tmp_path, name, layout, T, audio):
    init_default_scope('mmavs')
    root = str(tmp_path)
    _fixture(layout, root)
    cfg = _load(name)
    for loader in ('train_dataloader', 'test_dataloader'):
        ds_cfg = cfg[loader].dataset.copy()
        ds_cfg.update(data_root=root, serialize_data=False)
        if 'vpo' in name:
            ds_cfg['data_prefix'] = dict(
                img_path='data', seg_map_path='mask', audio_path='audios')
        if 'msmi' in name:
            assert ds_cfg['msmi_single_instance_root'] == 'data/VPO/VPO-MS'
            ds_cfg['msmi_single_instance_root'] = osp.join(root, 'ms')
        if loader == 'train_dataloader':
            # fixture frames are smaller than the configured 224 crop
            for t in ds_cfg['pipeline']:
                if t['type'] in ('ClipRandomResize', 'ClipResize'):
                    t['scale'] = (32, 32)
                if t['type'] == 'ClipRandomCrop':
                    t['crop_size'] = (24, 24)
        dataset = DATASETS.build(ds_cfg)
        packed = dataset[0]
        frames = packed['inputs']['frames']
        assert frames.dtype == torch.uint8 and frames.shape[:2] == (T, 3)
        if loader == 'test_dataloader':
            assert tuple(frames.shape[2:]) == (224, 224)
        else:
            assert max(frames.shape[2:]) <= 24
        assert tuple(packed['inputs']['audio'].shape) == audio
        samples = packed['data_samples']
        assert len(samples) == T
        assert samples[0].gt_sem_seg.data.shape[1:] == frames.shape[2:]
        assert samples[0].metainfo['frame_idx'] == 0


def test_benchmark_data_script(tmp_path, capsys, unseen_audio):
    path = osp.join(repo_root(), 'tools', 'analysis_tools',
                    'benchmark_data.py')
    spec = importlib.util.spec_from_file_location('benchmark_data', path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    cfg = _load('avsbench_s4.py')
    overrides = bench._make_fixture('s4', str(tmp_path), 2, 64)
    cfg.train_dataloader.dataset.update(overrides)
    bench.bench_pipeline(cfg, num_clips=3, workers=[0])
    bench.bench_vggish(unseen_audio[:1], repeats=1)
    out = capsys.readouterr().out
    assert 'PackAVSInputs' in out
    rate = float(re.search(r'workers=0:\s+([\d.]+) clips/s', out).group(1))
    assert rate > 0
    rates = re.findall(r'([\d.]+) examples/s', out)
    assert len(rates) == 3 and all(float(r) > 0 for r in rates)
