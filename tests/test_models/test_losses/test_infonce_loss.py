# Copyright (c) mmavs contributors. All rights reserved.
import math

import pytest
import torch
from mmseg.structures import SegDataSample

import mmavs  # noqa: F401  (installs the mmcv.ops fallback first)
from mmavs.models.losses.infonce_loss import (InfoNCEGroupLoss,
                                              infonce_group_loss)


def _direct(groups, audio, tau, sharp, eps):
    """Plain-Python InfoNCE of one frame (None when undefined)."""
    a = [v / math.sqrt(sum(x * x for x in audio)) for v in audio]
    sims = []
    for g in groups:
        n = math.sqrt(sum(x * x for x in g))
        sims.append(sum(x / n * y for x, y in zip(g, a)))
    pos = [s for s in sims if 1 / (1 + math.exp(-s * sharp)) > eps]
    neg = [s for s in sims if 1 / (1 + math.exp(-s * sharp)) <= eps]
    if not pos or not neg:
        return None
    sp = sum(math.exp(s / tau) for s in pos)
    sn = sum(math.exp(s / tau) for s in neg)
    return -math.log(sp / (sp + sn))


def test_matches_direct_formula():
    g = torch.Generator().manual_seed(0)
    groups = torch.randn(6, 5, 4, generator=g, dtype=torch.float64)
    audio = torch.randn(6, 4, generator=g, dtype=torch.float64)
    for tau, sharp, eps in ((0.1, 10.0, 0.5), (0.5, 2.0, 0.6)):
        loss, defined = infonce_group_loss(groups, audio, tau, sharp, eps)
        for b in range(6):
            ref = _direct(groups[b].tolist(), audio[b].tolist(), tau, sharp,
                          eps)
            assert bool(defined[b]) == (ref is not None)
            if ref is not None:
                assert loss[b].item() == pytest.approx(ref, rel=1e-9)
            else:
                assert loss[b].item() == 0
    assert defined.any()


def test_frames_without_positive_or_negative_are_excluded():
    audio = torch.tensor([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]])
    groups = torch.tensor(
        [
            [[1.0, 0.1], [-1.0, 0.2], [0.5, 0.5]],  # positives and a negative
            [[-1.0, 0.0], [-1.0, 1.0], [-0.5, -1.0]],  # no positive
            [[1.0, 0.0], [1.0, 1.0], [0.5, -1.0]],  # no negative
        ],
        requires_grad=True)
    loss, defined = infonce_group_loss(groups, audio)
    assert defined.tolist() == [True, False, False]
    module = InfoNCEGroupLoss(loss_weight=0.1)
    out = module(dict(ama_group_feats=[groups], ama_audio_feats=[audio]))
    torch.testing.assert_close(out['loss_csl'], 0.1 * loss[0])
    assert out['csl_valid_frac'].item() == pytest.approx(1 / 3)
    out['loss_csl'].backward()
    assert groups.grad[0].abs().sum() > 0
    assert groups.grad[1:].abs().sum() == 0


def test_padding_frames_and_empty_batch():
    g = torch.Generator().manual_seed(1)
    groups = torch.randn(2, 6, 8, generator=g, requires_grad=True)
    audio = torch.randn(2, 8, generator=g)
    extras = dict(ama_group_feats=[groups], ama_audio_feats=[audio])
    samples = [SegDataSample(metainfo=dict(valid=v)) for v in (True, False)]
    loss, defined = infonce_group_loss(groups, audio)
    assert defined.all()
    out = InfoNCEGroupLoss(loss_weight=1.0)(extras, None, samples)
    torch.testing.assert_close(out['loss_csl'], loss[0])
    none = [SegDataSample(metainfo=dict(valid=False))] * 2
    out = InfoNCEGroupLoss()(extras, None, none)
    assert out['loss_csl'].item() == 0 and out['loss_csl'].requires_grad


def test_errors():
    with pytest.raises(KeyError, match='ama_group_feats'):
        InfoNCEGroupLoss()(dict(ama_audio_feats=[torch.zeros(1, 2)]))
    with pytest.raises(ValueError, match='groups'):
        infonce_group_loss(torch.zeros(2, 3, 4), torch.zeros(2, 5))
    with pytest.raises(ValueError, match='temperature'):
        InfoNCEGroupLoss(temperature=0)
