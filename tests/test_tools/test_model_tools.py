# Copyright (c) mmavs contributors. All rights reserved.
import importlib.util
import os.path as osp
import re
import sys

from mmavs.testing import repo_root

TINY = osp.join('configs', 'tpavi',
                'tpavi_simpleconv_1xb4-300it_synthavs-s4-64x64.py')


def _load_tool(name):
    path = osp.join(repo_root(), 'tools', 'analysis_tools', f'{name}.py')
    spec = importlib.util.spec_from_file_location(f'_tool_{name}', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_count_params_excludes_frozen_audio(monkeypatch, capsys):
    tool = _load_tool('count_params')
    cfg = osp.join(repo_root(), TINY)
    # a frozen VGGish-sized audio MLP: counted in total, not trainable
    monkeypatch.setattr(sys, 'argv', [
        'count_params.py', cfg, '--cfg-options',
        'model.audio_backbone.frozen=True'
    ])
    tool.main()
    out = capsys.readouterr().out
    audio_total = 96 * 64 * 128 + 128 + 128 * 128 + 128
    row = re.search(r'audio_backbone\s+([\d,]+)\s+([\d,]+)', out)
    assert int(row.group(1).replace(',', '')) == audio_total
    assert int(row.group(2).replace(',', '')) == 0
    total, trainable = re.search(r'model\s+([\d,]+)\s+([\d,]+)', out).groups()
    total = int(total.replace(',', ''))
    assert total - int(trainable.replace(',', '')) == audio_total


def test_benchmark_model_prints_rates(monkeypatch, capsys):
    tool = _load_tool('benchmark_model')
    monkeypatch.setattr(sys, 'argv', [
        'benchmark_model.py',
        osp.join(repo_root(), TINY), '--size', '64', '--batch-size', '1',
        '--iters', '1', '--warmup', '0'
    ])
    tool.main()
    out = capsys.readouterr().out
    assert float(re.search(r'inference: ([\d.]+) clips/s', out).group(1)) > 0
    assert float(re.search(r'training: ([\d.]+) iters/s', out).group(1)) > 0


def test_benchmark_model_skip_train(monkeypatch, capsys):
    tool = _load_tool('benchmark_model')
    monkeypatch.setattr(sys, 'argv', [
        'benchmark_model.py',
        osp.join(repo_root(), TINY), '--size', '64', '--iters', '1',
        '--warmup', '0', '--skip-train'
    ])
    tool.main()
    out = capsys.readouterr().out
    assert 'inference:' in out and 'training:' not in out
