# Copyright (c) mmavs contributors. All rights reserved.
"""AudioFiLMNeck: f' = relu(f * (1 + gamma(a)) + beta(a)) per stage."""
import pytest
import torch
import torch.nn.functional as F

from mmavs.models.necks import AudioFiLMNeck, BaseAVNeck


def _inputs(n=4, seed=0):
    g = torch.Generator().manual_seed(seed)
    feats = [
        torch.randn(n, 8, 8, 8, generator=g),
        torch.randn(n, 16, 4, 4, generator=g)
    ]
    return feats, torch.randn(n, 6, generator=g)


def test_matches_the_film_formula_per_frame():
    torch.manual_seed(0)
    neck = AudioFiLMNeck(in_channels=(8, 16), audio_channels=6)
    assert isinstance(neck, BaseAVNeck)
    feats, audio = _inputs()
    outs, extras = neck(feats, audio, 2)
    assert extras == {}
    for feat, out, film in zip(feats, outs, neck.film):
        c = feat.shape[1]
        # the first C outputs of the linear map are gamma, the rest beta
        w, b = film.weight, film.bias
        gamma = audio @ w[:c].T + b[:c]
        beta = audio @ w[c:].T + b[c:]
        ref = F.relu(feat * (1 + gamma[:, :, None, None]) +
                     beta[:, :, None, None])
        torch.testing.assert_close(out, ref)
        assert out.shape == feat.shape


def test_fusion_is_frame_wise_and_ignores_gt_masks():
    torch.manual_seed(0)
    neck = AudioFiLMNeck(in_channels=(8, 16), audio_channels=6)
    feats, audio = _inputs()
    outs, _ = neck(feats, audio, 2)
    changed = audio.clone()
    changed[3] += 10  # another frame's audio
    outs2, _ = neck(feats, changed, 2)
    for a, b in zip(outs, outs2):
        torch.testing.assert_close(a[:3], b[:3])
        assert not torch.allclose(a[3], b[3])
    gt = torch.ones(4, 1, 32, 32)
    for a, b in zip(outs, neck(feats, audio, 2, gt)[0]):
        torch.testing.assert_close(a, b)


def test_wrong_number_of_stages_is_named():
    neck = AudioFiLMNeck(in_channels=(8, 16), audio_channels=6)
    feats, audio = _inputs()
    with pytest.raises(ValueError, match=r'AudioFiLMNeck has 2 stages.*got 1'):
        neck(feats[:1], audio, 2)
