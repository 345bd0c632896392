# Copyright (c) mmavs contributors. All rights reserved.
import pytest
import torch

import mmavs  # noqa: F401  (installs the mmcv.ops fallback first)
from mmavs.models.losses.iou_loss import IoULoss
from mmavs.models.losses.soft_dice_loss import SoftDiceLoss


def test_binary_iou_and_dice_match_direct_formula():
    logits = torch.tensor([[[[2.0, -1.0], [0.5, -3.0]]]])
    target = torch.tensor([[[1, 0], [255, 1]]])
    p = torch.sigmoid(logits)[0, 0]
    keep = torch.tensor([[1.0, 1.0], [0.0, 1.0]])
    t = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    inter = (p * t * keep).sum()
    psum = (p * keep).sum()
    tsum = t.sum()
    iou = IoULoss(smooth=1.0)(logits, target)
    assert iou.item() == pytest.approx(
        1 - ((inter + 1) / (psum + tsum - inter + 1)).item(), rel=1e-6)
    dice = SoftDiceLoss(smooth=1.0)(logits, target)
    assert dice.item() == pytest.approx(
        1 - ((2 * inter + 1) / (psum + tsum + 1)).item(), rel=1e-6)


def test_multiclass_and_ignored_images():
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(2, 3, 4, 4, generator=g, requires_grad=True)
    target = torch.randint(0, 3, (2, 4, 4), generator=g)
    target[1] = 255  # fully ignored image: not counted
    prob = logits.softmax(1)[0]
    onehot = torch.nn.functional.one_hot(target[0], 3).permute(2, 0, 1)
    inter = (prob * onehot).flatten(1).sum(1)
    union = prob.flatten(1).sum(1) + onehot.flatten(1).sum(1) - inter
    ref = 1 - ((inter + 1) / (union + 1)).mean()
    out = IoULoss()(logits, target)
    torch.testing.assert_close(out, ref)
    out.backward()
    assert logits.grad[1].abs().sum() == 0
    # perfect prediction gives ~0
    perfect = torch.nn.functional.one_hot(target[0], 3).permute(2, 0, 1)
    assert SoftDiceLoss()(perfect[None].float() * 50, target[:1]).item() < 1e-3


def test_errors():
    with pytest.raises(ValueError, match='labels 0/1'):
        IoULoss()(torch.zeros(1, 1, 2, 2), torch.full((1, 2, 2), 2))
    with pytest.raises(ValueError, match='logits'):
        SoftDiceLoss()(torch.zeros(1, 2, 2), torch.zeros(1, 2, 2))
    with pytest.raises(ValueError, match='weights'):
        IoULoss()(
            torch.zeros(1, 1, 2, 2),
            torch.zeros(1, 2, 2),
            weight=torch.ones(1))
