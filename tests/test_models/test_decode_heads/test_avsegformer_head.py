# Copyright (c) mmavs contributors. All rights reserved.
"""AVSegFormerHead: eq. (11) and the decoder against PyTorch's layer."""
import importlib.util
import os.path as osp

import pytest
import torch
import torch.nn.functional as F

from mmavs.registry import MODELS
from mmavs.testing import repo_root
from mmavs.utils import register_all_modules

register_all_modules()


def _load_block_tests():
    path = osp.join(repo_root(), 'tests', 'test_models', 'test_utils',
                    'test_avsegformer_blocks.py')
    spec = importlib.util.spec_from_file_location('_avsf_blocks', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _head(num_layers=2, out_channels=1, num_classes=2):
    return MODELS.build(
        dict(
            type='AVSegFormerHead',
            embed_dims=16,
            num_queries=6,
            num_layers=num_layers,
            num_heads=4,
            feedforward_channels=24,
            dropout=0.,
            mlp_channels=20,
            mid_channels=12,
            channels=8,
            num_classes=num_classes,
            out_channels=out_channels,
            threshold=0.5 if out_channels == 1 else None,
            loss_decode=dict(type='SoftDiceLoss'))).eval()


def _inputs(n=2, h=5, w=7, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return dict(
        queries=torch.randn(n, 6, 16, generator=gen),
        memory=torch.randn(n, 11, 16, generator=gen),
        mask_feats=torch.randn(n, 16, h, w, generator=gen))


def test_mask_head_eq_11():
    """M = FC(F + MLP(Q . F)) with Q the (here undecoded) queries."""
    torch.manual_seed(0)
    head = _head(num_layers=0)
    inputs = _inputs()
    q, feat = inputs['queries'], inputs['mask_feats']
    n, c, h, w = feat.shape
    mlp = head.mlp
    x = (q @ feat.flatten(2)).view(n, 6, h, w)  # Q . F
    x = F.relu(F.conv2d(x, mlp[0].conv.weight, mlp[0].conv.bias))
    x = F.relu(F.conv2d(x, mlp[1].conv.weight, mlp[1].conv.bias))
    x = F.conv2d(x, mlp[2].weight, mlp[2].bias)
    x = feat + x
    x = F.conv2d(x, head.fc_conv1.weight, head.fc_conv1.bias, padding=1)
    x = F.interpolate(x, size=(4 * h, 4 * w), mode='bilinear')
    x = F.relu(
        F.conv2d(
            x, head.fc_conv2.conv.weight, head.fc_conv2.conv.bias,
            padding=1))
    expected = F.conv2d(x, head.conv_seg.weight)
    assert head.conv_seg.bias is None  # official: bias-free classifier
    out = head(inputs)
    assert out.shape == (2, 1, 20, 28)
    torch.testing.assert_close(out, expected, atol=1e-5, rtol=1e-5)


def test_decoder_matches_torch_decoder_layers():
    """The decoded queries equal PyTorch's post-norm decoder layers (GELU,
    no positional encoding) with the same weights."""
    torch.manual_seed(0)
    head = _head(num_layers=2)
    blocks = _load_block_tests()
    inputs = _inputs()
    query = inputs['queries']
    for layer in head.decoder:
        query = blocks._torch_decoder_layer(layer)(query, inputs['memory'])
    reference = _head(num_layers=0)
    reference.load_state_dict(
        {k: v
         for k, v in head.state_dict().items() if 'decoder' not in k})
    torch.testing.assert_close(
        head(inputs),
        reference(dict(inputs, queries=query)),
        atol=1e-5,
        rtol=1e-5)


def test_semantic_head_and_bad_inputs():
    head = _head(out_channels=5, num_classes=5)
    assert head(_inputs()).shape == (2, 5, 20, 28)
    with pytest.raises(ValueError, match='AVSegFormerNeck output'):
        head([torch.zeros(2, 16, 5, 7)])
    bad = _inputs()
    bad['queries'] = bad['queries'][:, :3]
    with pytest.raises(ValueError, match=r'\[N, 6, 16\]'):
        head(bad)
