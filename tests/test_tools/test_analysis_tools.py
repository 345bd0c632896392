# Copyright (c) mmavs contributors. All rights reserved.
"""print_config, publish_model, get_flops, analyze_logs, confusion_matrix."""
import csv
import hashlib
import json
import os.path as osp

import pytest
import torch

from mmavs.evaluation.metrics import DumpAVSResults
from mmavs.testing import repo_root
from mmavs.testing.tools import load_tool_module

FILM = 'configs/film/film_simpleconv_1xb4-300it_synthavs-ms3-64x64.py'
TPAVI = 'configs/tpavi/tpavi_simpleconv_1xb4-300it_synthavs-s4-64x64.py'
TOOLS = ('tools/misc/print_config.py', 'tools/misc/publish_model.py',
         'tools/analysis_tools/get_flops.py',
         'tools/analysis_tools/analyze_logs.py',
         'tools/analysis_tools/confusion_matrix.py',
         'tools/analysis_tools/metric_audit.py',
         'tools/analysis_tools/profile_model.py',
         'tools/analysis_tools/benchmark_train.py')


@pytest.mark.parametrize('path', TOOLS)
def test_help(path, capsys):
    tool = load_tool_module(path)
    with pytest.raises(SystemExit) as exit_info:
        tool.parse_args(['--help'])
    assert exit_info.value.code == 0
    assert 'usage:' in capsys.readouterr().out


def test_print_config_shows_inherited_and_overridden_keys(tmp_path, capsys):
    tool = load_tool_module('tools/misc/print_config.py')
    saved = tmp_path / 'full.py'
    tool.main([
        osp.join(repo_root(), FILM), '--cfg-options', 'train_cfg.max_iters=7',
        '--save-path',
        str(saved)
    ])
    out = capsys.readouterr().out
    assert 'max_iters=7' in out
    assert "default_scope = 'mmavs'" in out  # _base_/default_runtime.py
    assert "type='AudioFiLMNeck'" in out
    text = saved.read_text()
    assert '_base_' not in text and 'max_iters=7' in text
    with pytest.raises(ValueError, match='--save-path'):
        tool.main([osp.join(repo_root(), FILM), '--save-path', 'x.txt'])


def test_publish_model_strips_training_state_and_hashes_the_name(tmp_path):
    tool = load_tool_module('tools/misc/publish_model.py')
    state = {'w': torch.arange(6.).view(2, 3)}
    ckpt = tmp_path / 'iter_4.pth'
    torch.save(
        dict(
            state_dict=state,
            meta=dict(iter=4, cfg='x = 1'),
            optimizer=dict(state={}, param_groups=[dict(lr=0.1)]),
            param_schedulers=[dict(last_step=4)],
            message_hub=dict(log_scalars={})), ckpt)
    final = tool.publish(str(ckpt), str(tmp_path / 'model.pth'))
    with open(final, 'rb') as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    assert final == str(tmp_path / f'model-{digest[:8]}.pth')
    assert not osp.exists(tmp_path / 'model.pth')
    out = torch.load(final, weights_only=True)
    assert set(out) == {'state_dict', 'meta'}
    assert torch.equal(out['state_dict']['w'], state['w'])
    assert out['meta'] == dict(iter=4, cfg='x = 1')
    with pytest.raises(ValueError, match='.pth'):
        tool.publish(str(ckpt), str(tmp_path / 'model.bin'))
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        tool.publish(str(tmp_path / 'missing.pth'), str(tmp_path / 'm.pth'))


def test_get_flops_counts_the_whole_clip():
    """FiLM has no temporal operator: the FLOPs of a clip are T times those
    of one frame; the parameters are the built model's."""
    tool = load_tool_module('tools/analysis_tools/get_flops.py')
    cfg = osp.join(repo_root(), FILM)
    one = tool.complexity(cfg, (32, 32), num_frames=1)
    three = tool.complexity(cfg, (32, 32), num_frames=3)
    assert one['flops'] > 0
    assert three['flops'] == 3 * one['flops']
    from mmavs.registry import MODELS
    from mmavs.utils import load_config
    model = MODELS.build(load_config(cfg).model)
    assert one['params'] == sum(p.numel() for p in model.parameters())
    # a temporal model (TPAVI attends over T x H x W) runs too
    tpavi = tool.complexity(osp.join(repo_root(), TPAVI), (32, 32), 5)
    assert tpavi['flops'] > 0


def test_analyze_logs_reads_json_lines_and_plots(tmp_path, capsys):
    tool = load_tool_module('tools/analysis_tools/analyze_logs.py')
    log = tmp_path / 'run.json'
    lines = [
        dict(lr=0.1, loss=2.0, iter=1, step=1),
        dict(lr=0.1, loss=1.5, iter=2, step=2),
        {
            'J@frame': 0.25,
            'F@frame': 0.5,
            'step': 2
        },
        dict(lr=0.1, loss=1.0, iter=3, step=3),
        {
            'J@frame': 0.75,
            'F@frame': 0.5,
            'step': 3
        },
    ]
    log.write_text('\n'.join(json.dumps(x) for x in lines) + '\n')
    series = tool.load_json_log(str(log))
    assert series['loss'] == ([1, 2, 3], [2.0, 1.5, 1.0])
    assert series['J@frame'] == ([2, 3], [0.25, 0.75])
    out = tmp_path / 'curves.png'
    tool.main([str(log), '--keys', 'loss', 'J@frame', '--out', str(out)])
    assert 'J@frame: 2 points, last 0.7500 at step 3' in \
        capsys.readouterr().out
    import matplotlib.image
    image = matplotlib.image.imread(str(out))
    assert image.shape[:2] == (600, 700)  # two 7x3 inch panels at 100 dpi
    assert image[..., :3].std() > 0.01  # something was drawn
    with pytest.raises(KeyError, match='mIoU'):
        tool.main([str(log), '--keys', 'mIoU', '--out', str(out)])


def _semantic_frame(idx, pred, gt, **meta):
    logits = torch.nn.functional.one_hot(torch.tensor(pred), 3).float()
    return dict(
        clip_id='v',
        frame_idx=idx,
        num_frames=2,
        seg_logits=dict(data=logits.T.reshape(3, 2, 2)),
        gt_sem_seg=dict(data=torch.tensor(gt).view(1, 2, 2)),
        **meta)


def test_confusion_matrix_counts_scored_pixels(tmp_path, capsys):
    tool = load_tool_module('tools/analysis_tools/confusion_matrix.py')
    dumper = DumpAVSResults(out_file_path=str(tmp_path / 'preds.pkl'))
    dumper.process(None, [
        _semantic_frame(0, [1, 1, 0, 2], [1, 0, 0, 255]),
        _semantic_frame(1, [2, 2, 2, 2], [0, 0, 0, 0], valid=False),
    ])
    dumper.compute_metrics(dumper.results)
    out_dir = tmp_path / 'out'
    tool.main([str(tmp_path / 'preds.pkl'), str(out_dir)])
    with open(out_dir / 'confusion_matrix.csv') as f:
        rows = list(csv.reader(f))
    # pixel 3 is ignored, the padding frame is not scored:
    # (gt 1, pred 1), (gt 0, pred 1), (gt 0, pred 0); rows are the truth
    assert rows[0] == ['gt \\ pred', '0', '1', '2']
    assert [list(map(int, r[1:])) for r in rows[1:]] == [[1, 1, 0], [0, 1, 0],
                                                         [0, 0, 0]]
    assert osp.getsize(out_dir / 'confusion_matrix.png') > 0
    assert 'pixel accuracy 0.6667' in capsys.readouterr().out
