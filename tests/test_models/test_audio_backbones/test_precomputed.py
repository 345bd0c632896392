# Copyright (c) mmavs contributors. All rights reserved.
import pytest
import torch

from mmavs.models.audio_backbones import PrecomputedAudio


def test_precomputed_passthrough_and_projection():
    x = torch.randn(4, 16)
    ident = PrecomputedAudio(in_channels=16)
    assert ident(x) is x and ident.frozen
    proj = PrecomputedAudio(in_channels=16, out_channels=8)
    assert proj(x).shape == (4, 8) and not proj.frozen
    torch.testing.assert_close(
        proj(x), x @ proj.proj.weight.T + proj.proj.bias)
    with pytest.raises(ValueError, match=r'\[N, 16\]'):
        ident(torch.randn(4, 1, 16))
