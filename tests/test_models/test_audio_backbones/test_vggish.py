# Copyright (c) mmavs contributors. All rights reserved.
import pytest
import torch
import torch.nn.functional as F

from mmavs.models.audio_backbones import VGGish


def _official_forward(model, x):
    """torchvggish VGG.forward: NCHW -> transpose(1,3), (1,2) -> flatten."""
    x = model.features(x)
    x = torch.transpose(x, 1, 3)
    x = torch.transpose(x, 1, 2)
    x = x.contiguous().view(x.size(0), -1)
    return model.embeddings(x)


def test_vggish_shapes_flatten_order_and_output_relu():
    torch.manual_seed(0)
    model = VGGish(frozen=False)
    x = torch.randn(3, 1, 96, 64)
    out = model(x)
    assert out.shape == (3, 128)
    torch.testing.assert_close(out, _official_forward(model, x))
    # the flattening order is (H, W, C), not (C, H, W)
    feat = model.features(x)
    chw = model.embeddings(feat.flatten(1))
    assert not torch.allclose(out, chw)
    # the release applies a ReLU to the 128-D output
    assert isinstance(model.embeddings[-1], torch.nn.ReLU)
    assert (out >= 0).all()
    pre = F.linear(
        model.embeddings[:-1][:-1](feat.permute(0, 2, 3, 1).flatten(1)),
        model.embeddings[4].weight, model.embeddings[4].bias)
    torch.testing.assert_close(out, pre.clamp(min=0))
    assert VGGish(out_relu=False).embeddings[-1].__class__ is torch.nn.Linear


def test_vggish_frozen_stays_eval_without_grad():
    model = VGGish(frozen=True)
    model.train()
    assert not model.training and not model.features[0].training
    assert not any(p.requires_grad for p in model.parameters())
    with pytest.raises(ValueError, match=r'\[N, K, 96, 64\]'):
        model(torch.randn(2, 96, 64))


def test_vggish_averages_several_examples_per_frame():
    torch.manual_seed(0)
    model = VGGish(frozen=True)
    x = torch.randn(2, 3, 96, 64)  # e.g. VPO: 3 s of audio for one frame
    out = model(x)
    per_example = model(x.reshape(6, 1, 96, 64)).view(2, 3, 128)
    torch.testing.assert_close(out, per_example.mean(1))
    with pytest.raises(ValueError, match=r'\[N, K, 96, 64\]'):
        model(torch.randn(2, 96, 64))
