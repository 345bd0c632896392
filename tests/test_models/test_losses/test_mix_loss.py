# Copyright (c) mmavs contributors. All rights reserved.
"""AVSegFormer losses against the official formulas."""
import pytest
import torch
import torch.nn.functional as F
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

import mmavs  # noqa: F401  (installs the mmcv.ops fallback first)
from mmavs.models.losses import MixLoss, SoftDiceLoss


def _official_dice(logits, gt):
    """scripts/{s4,ms3}/loss.py F{1,5}_Dice_loss on the selected frames."""
    p = torch.sigmoid(logits).flatten(1)
    g = gt.flatten(1).float()
    a = (p * g).sum(-1)
    b = (p * p).sum(-1) + 0.001
    c = (g * g).sum(-1) + 0.001
    return (1 - 2 * a / (b + c)).mean()


def _samples(labels):
    return [
        SegDataSample(gt_sem_seg=PixelData(data=lab[None])) for lab in labels
    ]


def test_soft_dice_official_variant():
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(3, 1, 6, 5, generator=g)
    gt = (torch.rand(3, 6, 5, generator=g) > 0.6).long()
    gt[1] = 255  # an unlabelled frame (S4 train frames 2..5)
    loss = SoftDiceLoss(smooth=0., exponent=2, eps=1e-3)(logits, gt)
    keep = [0, 2]
    torch.testing.assert_close(loss, _official_dice(logits[keep], gt[keep]))
    # the default (smooth 1, plain sums) is a different loss
    assert not torch.allclose(SoftDiceLoss()(logits, gt), loss)


def test_mix_loss_target_and_value():
    g = torch.Generator().manual_seed(1)
    feats = torch.randn(3, 4, 3, 4, generator=g)
    labels = torch.randint(0, 4, (3, 12, 16), generator=g)  # AVSS classes
    labels[2] = 255  # padding frame
    labels[0, 0, :3] = 255  # ignored pixels of a valid frame
    loss = MixLoss(loss_weight=0.1)
    out = loss(dict(mask_feats=feats), None, _samples(labels))
    assert set(out) == {'loss_mix'}
    # official (scripts/avss/loss.py): mean over channels, bilinear to the
    # ground-truth size, Dice against gt > 0, valid frames only
    mean = F.interpolate(
        feats.mean(1, keepdim=True), size=(12, 16), mode='bilinear',
        align_corners=False)
    fg = (labels > 0).long()
    keep = labels[:2] != 255
    # ignored pixels count in no sum: zero probability and target there
    p = torch.sigmoid(mean[:2, 0]) * keep
    t = fg[:2] * keep
    a = (p * t).flatten(1).sum(-1)
    b = (p * p).flatten(1).sum(-1) + 0.001
    c = t.flatten(1).sum(-1) + 0.001
    expected = 0.1 * (1 - 2 * a / (b + c)).mean()
    torch.testing.assert_close(out['loss_mix'], expected)
    target = loss.target(_samples(labels))
    assert target[1].max() == 1 and (target[2] == 255).all()
    assert (target[0, 0, :3] == 255).all()


def test_mix_loss_binary_s4_matches_official_first_frame_loss():
    g = torch.Generator().manual_seed(2)
    feats = torch.randn(10, 8, 4, 4, generator=g)
    gt = (torch.rand(2, 16, 16, generator=g) > 0.7).long()
    labels = torch.full((10, 16, 16), 255)
    labels[0], labels[5] = gt[0], gt[1]  # frame 1 of each of 2 clips
    out = MixLoss()(dict(mask_feats=feats), None, _samples(labels))
    mean = F.interpolate(
        feats.mean(1, keepdim=True), size=(16, 16), mode='bilinear',
        align_corners=False)
    torch.testing.assert_close(out['loss_mix'],
                               0.1 * _official_dice(mean[[0, 5]], gt))


def test_mix_loss_errors():
    labels = torch.zeros(2, 4, 4, dtype=torch.long)
    with pytest.raises(KeyError, match='mask_feats'):
        MixLoss()(dict(), None, _samples(labels))
    with pytest.raises(ValueError, match='N=2 frames'):
        MixLoss()(dict(mask_feats=torch.zeros(3, 4, 2, 2)), None,
                  _samples(labels))
