# Copyright (c) mmavs contributors. All rights reserved.
import pytest
import torch

import mmavs  # noqa: F401  (installs the mmcv.ops fallback first)
from mmavs.models.losses.evidential_loss import (EvidentialLoss,
                                                 dirichlet_kl_to_uniform)


def test_kl_matches_torch_distributions():
    alpha = torch.tensor([[1.5, 2.0, 7.0], [1.0, 1.0, 1.0]],
                         dtype=torch.float64)
    ref = torch.distributions.kl_divergence(
        torch.distributions.Dirichlet(alpha),
        torch.distributions.Dirichlet(torch.ones_like(alpha)))
    torch.testing.assert_close(dirichlet_kl_to_uniform(alpha, dim=1), ref)


def test_loss_matches_direct_formula_and_anneals():
    alpha = torch.tensor([2.0, 5.0, 1.5], dtype=torch.float64)
    s = float(alpha.sum())
    target = 1
    ece = torch.digamma(torch.tensor(s, dtype=torch.float64)) - torch.digamma(
        alpha[target])
    tilde = alpha.clone()
    tilde[target] = 1.0
    kl = torch.distributions.kl_divergence(
        torch.distributions.Dirichlet(tilde),
        torch.distributions.Dirichlet(torch.ones(3, dtype=torch.float64)))
    # one valid pixel, one ignored pixel
    a = alpha.view(1, 3, 1, 1).repeat(1, 1, 1, 2)
    t = torch.tensor([[[target, 255]]])
    loss = EvidentialLoss(annealing_steps=4).double()
    assert loss.kl_weight() == 0
    v0 = loss(a, t)  # train mode: counts the update
    assert v0.item() == pytest.approx(ece.item(), rel=1e-9)
    loss(a, t)
    v2 = loss(a, t)
    assert v2.item() == pytest.approx(ece.item() + 0.5 * kl.item(), rel=1e-9)
    loss.eval()
    loss(a, t)
    assert int(loss.num_updates) == 3 and 'num_updates' in loss.state_dict()
    mse = EvidentialLoss(loss_type='mse', annealing_steps=1).double().eval()
    p = alpha / s
    y = torch.tensor([0.0, 1.0, 0.0], dtype=torch.float64)
    ref = ((y - p)**2 + p * (1 - p) / (s + 1)).sum()
    assert mse(a, t).item() == pytest.approx(ref.item(), rel=1e-9)


def test_all_ignored_and_errors():
    a = torch.ones(1, 2, 2, 2, requires_grad=True)
    out = EvidentialLoss()(a, torch.full((1, 2, 2), 255))
    assert out.item() == 0 and out.requires_grad
    with pytest.raises(ValueError, match=r'labels must be in \[0, 2\)'):
        EvidentialLoss()(a, torch.full((1, 2, 2), 3))
    with pytest.raises(ValueError, match='loss_type'):
        EvidentialLoss(loss_type='ce')


def test_gradient_moves_evidence_towards_the_label():
    target = torch.tensor([[[1]]])
    alpha = torch.tensor([2.0, 3.0, 1.5], dtype=torch.float64).view(1, 3, 1, 1)
    # no KL yet: d/d alpha_c [psi(S) - psi(alpha_y)] = psi'(S) - [c = y]
    # psi'(alpha_y), written with the trigamma function
    a = alpha.clone().requires_grad_(True)
    EvidentialLoss(annealing_steps=10).double()(a, target).backward()
    trigamma = torch.polygamma(1, alpha.view(3))
    expected = torch.polygamma(1, alpha.sum()) - torch.tensor(
        [0.0, 1.0, 0.0], dtype=torch.float64) * trigamma
    torch.testing.assert_close(a.grad.view(3), expected)
    # full KL weight: evidence for the label still lowers the loss, and
    # the KL pulls the misleading evidence towards alpha = 1 as well
    loss = EvidentialLoss(annealing_steps=1).double()
    loss.num_updates.fill_(1)
    a = alpha.clone().requires_grad_(True)
    loss(a, target).backward()
    assert loss.kl_weight() == 1.0
    assert a.grad[0, 1] < 0 and a.grad[0, 0] > 0 and a.grad[0, 2] > 0
    assert a.grad[0, 0] > expected[0] and a.grad[0, 2] > expected[2]
