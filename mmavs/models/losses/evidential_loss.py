# Copyright (c) mmavs contributors. All rights reserved.
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from mmavs.registry import MODELS


def dirichlet_kl_to_uniform(alpha: Tensor, dim: int = 1) -> Tensor:
    """KL(Dir(alpha) || Dir(1, ..., 1)) along ``dim``.

    Args:
        alpha (Tensor): Dirichlet parameters (> 0).
        dim (int): Class dimension. Defaults to 1.

    Returns:
        Tensor: KL divergence with ``dim`` reduced.
    """
    num = alpha.shape[dim]
    s = alpha.sum(dim, keepdim=True)
    kl = (
        torch.lgamma(s).squeeze(dim) -
        torch.lgamma(alpha.new_tensor(float(num))) -
        torch.lgamma(alpha).sum(dim) +
        ((alpha - 1) * (torch.digamma(alpha) - torch.digamma(s))).sum(dim))
    return kl


@MODELS.register_module()
class EvidentialLoss(nn.Module):
    """Evidential classification loss of Sensoy et al. (NeurIPS 2018).

    The RAVS paper does not say how the Dirichlet parameters of its
    uncertainty head are trained; this is the established evidential loss
    ("expected cross-entropy", Eq. 4 of Sensoy et al., with the digamma
    form) plus the annealed KL regulariser towards the uniform Dirichlet
    on the misleading evidence:

    ``L = sum_c y_c (psi(S) - psi(alpha_c))
    + lambda_t KL(Dir(alpha_tilde) || Dir(1))``, with
    ``alpha_tilde = y + (1 - y) * alpha``, ``S = sum_c alpha_c`` and
    ``lambda_t = min(1, t / annealing_steps)``, where ``t`` counts the
    training calls of this module (a persistent buffer, so it survives
    checkpoint resume). ``loss_type='mse'`` gives Sensoy's Eq. 5 instead.

    The loss is averaged over the pixels whose label is not
    ``ignore_index``; with none it is 0 (kept in the graph).

    Args:
        annealing_steps (int): Updates to reach the full KL weight.
            Defaults to 1000.
        loss_type (str): ``'digamma'`` (default) or ``'mse'``.
        loss_weight (float): Weight. Defaults to 1.0.
        loss_name (str): Defaults to ``'loss_evidential'``.
    """

    def __init__(self,
                 annealing_steps: int = 1000,
                 loss_type: str = 'digamma',
                 loss_weight: float = 1.0,
                 loss_name: str = 'loss_evidential') -> None:
        super().__init__()
        if loss_type not in ('digamma', 'mse'):
            raise ValueError(f"EvidentialLoss: loss_type={loss_type!r}, "
                             "expected 'digamma' or 'mse'")
        if annealing_steps < 1:
            raise ValueError('EvidentialLoss: annealing_steps must be >= 1, '
                             f'got {annealing_steps}')
        self.annealing_steps = annealing_steps
        self.loss_type = loss_type
        self.loss_weight = loss_weight
        self._loss_name = loss_name
        self.register_buffer('num_updates', torch.zeros((), dtype=torch.long))

    @property
    def loss_name(self) -> str:
        """Name of the loss term."""
        return self._loss_name

    def kl_weight(self) -> float:
        """Current annealing weight lambda_t."""
        return min(1.0, float(self.num_updates) / self.annealing_steps)

    def forward(self,
                alpha: Tensor,
                target: Tensor,
                ignore_index: int = 255) -> Tensor:
        """Compute the loss.

        Args:
            alpha (Tensor): [N, K, H, W] Dirichlet parameters (>= 1 for the
                KL term to be meaningful: evidence + 1).
            target (Tensor): [N, H, W] class labels in [0, K) or
                ``ignore_index``.
            ignore_index (int): Ignored label. Defaults to 255.

        Returns:
            Tensor: scalar loss.
        """
        if alpha.dim() != 4 or target.shape != (alpha.shape[0], ) + tuple(
                alpha.shape[2:]):
            raise ValueError('EvidentialLoss expects alpha [N, K, H, W] and '
                             f'target [N, H, W], got {tuple(alpha.shape)} '
                             f'and {tuple(target.shape)}')
        num = alpha.shape[1]
        valid = target != ignore_index
        if bool(((target < 0) | (target >= num))[valid].any()):
            raise ValueError(f'EvidentialLoss: labels must be in [0, {num}) '
                             f'or {ignore_index}, got values '
                             f'{torch.unique(target).tolist()}')
        y = F.one_hot(target.masked_fill(~valid, 0).long(),
                      num).permute(0, 3, 1, 2).to(alpha.dtype)
        s = alpha.sum(1, keepdim=True)
        if self.loss_type == 'digamma':
            data = (y * (torch.digamma(s) - torch.digamma(alpha))).sum(1)
        else:
            p = alpha / s
            data = ((y - p).pow(2) + p * (1 - p) / (s + 1)).sum(1)
        lam = self.kl_weight()
        alpha_tilde = y + (1 - y) * alpha
        loss = data + lam * dirichlet_kl_to_uniform(alpha_tilde, dim=1)
        if self.training:
            self.num_updates += 1
        count = valid.sum()
        value = (loss * valid).sum() / count.clamp_min(1)
        return self.loss_weight * value
