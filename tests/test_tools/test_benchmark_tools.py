# Copyright (c) mmavs contributors. All rights reserved.
"""profile_model.py and benchmark_train.py (the numbers they print are
benchmarks, not checked here; the tests check what is counted). Their
``--help`` is tested with the other tools in test_analysis_tools.py."""
import argparse
import os.path as osp

import pytest
import torch

from mmavs.testing import repo_root
from mmavs.testing.tools import load_tool_module

RAVS = 'configs/ravs/ravs_simpleconv_1xb4-300it_synthavs-s4-64x64.py'


def test_profile_model_rows_and_counts():
    tool = load_tool_module('tools/analysis_tools/profile_model.py')
    args = tool.parse_args([
        osp.join(repo_root(), RAVS), '--size', '64', '--repeats', '1',
        '--warmup', '0', '--gemm-size', '64', '--threads', '1'
    ])
    result = tool.profile(args)
    rows = {name: (sec, macs) for name, sec, macs in result['rows']}
    for name in ('backbone', 'audio_backbone', 'neck', 'decode_head',
                 'decode_head.convs', 'decode_head.fusion_conv',
                 'decode_head.temporal_attn', 'decode_head.uncertainty_head',
                 'decode_head.(rest)', 'other', 'forward total'):
        assert name in rows, name
    # fusion: 1x1 conv 3 x 32 -> 32 channels on 5 frames of 16 x 16 (the
    # first stage of the 64 x 64 input), plus its eval-mode BN (mmengine:
    # 2 per element, scale and shift)
    pixels = 5 * 16 * 16
    assert rows['decode_head.fusion_conv'][1] == pixels * 96 * 32 + \
        2 * pixels * 32
    # temporal attention: in (3C x C) and out (C x C) projections of every
    # token, plus the T x T products per position and head (2 T^2 C)
    assert rows['decode_head.temporal_attn'][1] == \
        pixels * 4 * 32 * 32 + 2 * 16 * 16 * 5 * 5 * 32
    parts = sum(rows[n][1] for n in ('backbone', 'audio_backbone', 'neck',
                                     'decode_head', 'other'))
    assert parts == rows['forward total'][1]
    # 'other': the head's bilinear resizes of its 3 stages to 16 x 16, which
    # run in its forward (4 per output element for mmengine)
    assert rows['other'][1] == 3 * 4 * pixels * 32
    assert result['gemm_gflops'] > 0
    text = tool.format_table(result, 64)
    assert 'GEMM reference (64^3' in text and 'decode_head.fusion_conv' in text


def test_backbone_checkpointing_switch_keeps_gradients():
    from mmseg.models.backbones import MixVisionTransformer

    from mmavs.models.backbones import SimpleConvNet
    tool = load_tool_module('tools/analysis_tools/benchmark_train.py')
    torch.manual_seed(0)
    mit = MixVisionTransformer(
        embed_dims=8,
        num_layers=[1, 1],
        num_heads=[1, 1],
        num_stages=2,
        out_indices=(0, 1),
        sr_ratios=[2, 1],
        patch_sizes=[7, 3],
        strides=[4, 2])
    x = torch.randn(2, 3, 32, 32, requires_grad=True)
    sum(o.sum() for o in mit(x)).backward()
    ref = x.grad.clone()
    x.grad = None
    assert tool.enable_backbone_checkpointing(mit) > 0
    assert all(m.with_cp for m in mit.modules() if hasattr(m, 'with_cp'))
    sum(o.sum() for o in mit(x)).backward()
    torch.testing.assert_close(x.grad, ref)
    with pytest.raises(ValueError, match='SimpleConvNet'):
        tool.enable_backbone_checkpointing(SimpleConvNet())


@pytest.mark.slow
def test_benchmark_train_runs_baseline_and_switches(synthavs_small, capsys,
                                                    tmp_path):
    tool = load_tool_module('tools/analysis_tools/benchmark_train.py')
    tool.main([
        osp.join(repo_root(), RAVS), '--data-root', synthavs_small, '--iters',
        '2', '--warmup', '1', '--num-workers', '0', '--threads', '1',
        '--channels-last'
    ])
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert any(line.startswith('baseline ') for line in lines), out
    assert any(line.startswith('channels-last ') for line in lines), out
    assert 'peak memory: RSS' in out
    if torch.cuda.is_available():
        return  # the CPU refusal of AMP below needs a machine without CUDA
    with pytest.raises(RuntimeError, match='needs CUDA'):
        tool.run_setting(
            argparse.Namespace(
                threads=None, cfg_options=[], config=osp.join(
                    repo_root(), RAVS), warmup=1, iters=1, batch_size=None,
                num_workers=0, data_root=synthavs_small),
            dict(amp='bf16'), str(tmp_path / 'unused'))
