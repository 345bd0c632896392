# Copyright (c) mmavs contributors. All rights reserved.
import subprocess
import sys

import pytest
import torch
import torch.nn.functional as F

import mmavs  # noqa: F401  (installs the fallback)
from mmavs.compat import compiled_mmcv_available
from mmavs.compat.mmcv_ops import sigmoid_focal_loss
from mmavs.testing import repo_root

FALLBACK = not compiled_mmcv_available()


def test_fallback_active_exactly_without_compiled_mmcv():
    import mmcv.ops
    assert getattr(mmcv.ops, 'MMAVS_FALLBACK', False) == FALLBACK


def test_mmseg_models_import_needs_the_fallback():
    """Without the shim, mmcv-lite cannot import mmseg.models; with it, it can."""
    without = subprocess.run(
        [sys.executable, '-c', 'import mmseg.models'],
        capture_output=True, text=True, cwd=repo_root())
    with_shim = subprocess.run(
        [sys.executable, '-c', 'import mmavs, mmseg.models'],
        capture_output=True, text=True, cwd=repo_root())
    assert with_shim.returncode == 0, with_shim.stderr[-2000:]
    if FALLBACK:
        assert without.returncode != 0
        assert 'mmcv._ext' in without.stderr
    else:
        assert without.returncode == 0


def test_point_sample_matches_grid_sample():
    from mmcv.ops import point_sample
    feats = torch.randn(2, 3, 9, 7)
    points = torch.rand(2, 11, 2)
    expected = F.grid_sample(
        feats, 2 * points[:, :, None] - 1, align_corners=False)[..., 0]
    torch.testing.assert_close(point_sample(feats, points), expected)


def test_sigmoid_focal_loss_matches_direct_formula():
    logits = torch.randn(6, 4, requires_grad=True)
    target = torch.tensor([0, 3, 4, 1, 2, 4])  # 4 == background
    gamma, alpha = 2.0, 0.25
    p = logits.sigmoid()
    onehot = torch.zeros(6, 4)
    onehot[torch.arange(6)[target < 4], target[target < 4]] = 1
    direct = -(alpha * (1 - p)**gamma * onehot * torch.log(p) +
               (1 - alpha) * p**gamma * (1 - onehot) * torch.log(1 - p))
    out = sigmoid_focal_loss(logits, target, gamma, alpha, None, 'none')
    torch.testing.assert_close(out, direct)
    mean = sigmoid_focal_loss(logits, target, gamma, alpha, None, 'mean')
    torch.testing.assert_close(mean, direct.sum() / 6)
    mean.backward()
    # the gradient of mmcv's kernel (sigmoid_focal_loss_backward), written
    # out: positive -a (1-p)^g (1 - p - g p log p), negative
    # -(1-a) p^g (g (1-p) log(1-p) - p); 'mean' divides by N
    p = p.detach()
    grad = -(alpha * (1 - p)**gamma * (1 - p - gamma * p * torch.log(p)) *
             onehot + (1 - alpha) * p**gamma *
             (gamma * (1 - p) * torch.log(1 - p) - p) * (1 - onehot))
    torch.testing.assert_close(logits.grad, grad / 6)
    weight = torch.tensor([1., 2., 3., 4.])
    weighted = sigmoid_focal_loss(logits, target, gamma, alpha, weight,
                                  'none')
    row_w = torch.tensor([1., 4., 1., 2., 3., 1.])
    torch.testing.assert_close(weighted, direct * row_w[:, None])


def test_mmseg_focal_loss_wrapper_uses_the_op():
    """mmseg's sigmoid_focal_loss (its CUDA path) calls mmcv.ops' op."""
    from mmseg.models.losses.focal_loss import sigmoid_focal_loss as mmseg_fl
    pred = torch.randn(5, 3)
    target = torch.tensor([0, 1, 2, 3, 1])
    one_hot = F.one_hot(target, 4)[:, :3].float()
    value = mmseg_fl(pred, target, one_hot, reduction='none')
    torch.testing.assert_close(
        value, sigmoid_focal_loss(pred, target, 2.0, 0.5, None, 'none'))


def test_multi_scale_deformable_attention_pure_pytorch():
    from mmcv.ops import (MultiScaleDeformableAttention,
                          multi_scale_deformable_attn_pytorch)
    attn = MultiScaleDeformableAttention(
        embed_dims=16, num_heads=2, num_levels=2, num_points=2,
        batch_first=True)
    # parameter names are mmcv's, so checkpoints are interchangeable
    assert {'sampling_offsets.weight', 'attention_weights.weight',
            'value_proj.weight', 'output_proj.weight'} <= set(
                attn.state_dict())
    shapes = torch.tensor([[4, 4], [2, 2]])
    start = torch.tensor([0, 16])
    value = torch.randn(1, 20, 16, requires_grad=True)
    query = torch.randn(1, 5, 16)
    ref = torch.rand(1, 5, 2, 2)
    out = attn(query, value=value, reference_points=ref,
               spatial_shapes=shapes, level_start_index=start)
    assert out.shape == (1, 5, 16)
    out.sum().backward()
    assert value.grad is not None
    # the functional form agrees with a direct bilinear sampling
    v = torch.randn(1, 20, 2, 8)
    loc = torch.rand(1, 5, 2, 2, 2, 2)
    w = torch.softmax(torch.randn(1, 5, 2, 4), -1).view(1, 5, 2, 2, 2)
    got = multi_scale_deformable_attn_pytorch(v, shapes, loc, w)
    direct = torch.zeros(1, 5, 2, 8)
    for lvl, (h, wd) in enumerate(shapes.tolist()):
        v_l = v[:, start[lvl]:start[lvl] + h * wd].permute(0, 2, 3, 1)
        v_l = v_l.reshape(2, 8, h, wd)
        grid = 2 * loc[0, :, :, lvl].permute(1, 0, 2, 3) - 1  # [2,5,P,2]
        sampled = F.grid_sample(v_l, grid, align_corners=False)  # [2,8,5,P]
        direct[0] += (sampled * w[0, :, :, lvl].permute(1, 0, 2)[:, None]
                      ).sum(-1).permute(2, 0, 1)
    torch.testing.assert_close(got, direct.reshape(1, 5, 16))


@pytest.mark.parametrize('name', ['nms', 'RoIAlign', 'CrissCrossAttention'])
def test_other_ops_raise_clear_error(name):
    import mmcv.ops
    if not FALLBACK:
        assert hasattr(mmcv.ops, name)
        return
    with pytest.raises(ModuleNotFoundError, match=f'mmcv.ops.{name}.*'
                       'compiled mmcv'):
        getattr(mmcv.ops, name)
