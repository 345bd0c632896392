# Copyright (c) mmavs contributors. All rights reserved.
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmseg.models.utils import resize
from mmseg.utils import ConfigType, SampleList
from torch import Tensor, nn

from mmavs.registry import MODELS
from ..utils import TemporalAttention
from .base_av_decode_head import BaseAVDecodeHead


def dirichlet_variance(alpha: Tensor, dim: int = 1) -> Tensor:
    """Per-class variance of a Dirichlet distribution.

    ``delta_c = alpha_c (S - alpha_c) / (S^2 (S + 1))``, ``S = sum_c
    alpha_c`` (RAVS Eq. 10).

    Args:
        alpha (Tensor): Dirichlet parameters (> 0), classes along ``dim``.
        dim (int): Class dimension. Defaults to 1.

    Returns:
        Tensor: variances, same shape as ``alpha``.
    """
    s = alpha.sum(dim, keepdim=True)
    if alpha.shape[dim] == 2:
        # S - alpha_c is the other parameter: use the product so that both
        # classes get bit-identical values (a Beta's variance is symmetric)
        prod = alpha.prod(dim, keepdim=True)
        return (prod / (s * s * (s + 1))).expand_as(alpha)
    return alpha * (s - alpha) / (s * s * (s + 1))


def minmax_per_frame(x: Tensor) -> Tensor:
    """Scale each frame of [N, ...] linearly to [0, 1] over all its values.

    A constant frame becomes all zeros.
    """
    flat = x.flatten(1)
    lo = flat.amin(1).view(-1, *([1] * (x.dim() - 1)))
    hi = flat.amax(1).view(-1, *([1] * (x.dim() - 1)))
    return (x - lo) / (hi - lo).clamp_min(torch.finfo(x.dtype).tiny)


@MODELS.register_module()
class UncertaintyHead(BaseAVDecodeHead):
    """RAVS decoder with temporal attention and uncertainty estimation (UE).

    1. SegFormer-style all-MLP fusion: every stage goes through a 1x1
       ConvModule to ``channels``, is resized to the first stage (1/4) and
       the concatenation is fused by a 1x1 ConvModule.
    2. Temporal multi-head attention: at every position, the T frames of a
       clip attend to each other (sequence T, width ``channels``; residual
       and LayerNorm; no temporal position encoding — the paper gives
       none). T comes from the segmentor (the :class:`BaseAVDecodeHead`
       contract).
    3. Mask head: the classifier ``conv_seg`` gives the logits ``m``.
    4. Uncertainty head (``use_uncertainty=True``): 3x3 ConvModule + 1x1
       conv to K logits; ``alpha = softplus(logits) + alpha_offset`` are
       Dirichlet parameters (K = num_classes for semantic tasks, K = 2
       background/foreground for a one-channel binary head);
       ``delta = dirichlet_variance(alpha)`` is scaled linearly to [0, 1]
       per frame (over classes and pixels) and the final scores are
       ``Y_c = sigma(m)_c / (delta_c + eps)`` (softmax for semantic tasks,
       ``(1 - sigmoid(m), sigmoid(m))`` for binary ones).

    :meth:`forward` returns ``(m, u)`` (``u`` = uncertainty logits, None
    without UE); :meth:`seg_logits` turns them into the output logits
    (what ``predict`` resizes, the segmentor post-processes and the
    audio-visual losses see as ``extras['seg_logits']``): semantic:
    ``log(Y / sum_c Y)`` (argmax = argmax Y); binary: one logit whose
    sigmoid is the final foreground score (``threshold`` applies to it).
    With ``use_uncertainty=False`` the output is ``m``.

    Binary tasks (one sigmoid channel), ``binary_rule``:

    - Eq. 11 divides each class probability by its own normalised variance.
      A two-class Dirichlet is a Beta, whose variance is the same for both
      classes, so ``Y_fg / (Y_bg + Y_fg) = sigmoid(m)``: applied to the two
      classes ``(1 - sigmoid(m), sigmoid(m))``, Eq. 11 can never change a
      binary decision (``'class_ratio'``, the former rule, kept as an
      option: its output logit is ``m``).
    - The paper's stated effect (its Sec. 4.4: higher uncertainty "lowers
      the prediction probability" of the sounding region in silent frames)
      is on the foreground. ``'fg_divide'`` (default) applies Eq. 11's
      division to the foreground probability alone and gives the
      background the rest::

          Y_fg = sigmoid(m) / (1 + delta),   Y_bg = 1 - Y_fg

      with ``delta`` the per-frame min-max normalised Dirichlet variance
      (in [0, 1]). The divisor is Eq. 11's ``delta + eps`` shifted by one
      (``1 + delta`` instead of ``delta + eps``) so that Y stays a
      probability that the usual threshold applies to: the frame's most
      certain pixel keeps ``sigmoid(m)``, its most uncertain pixel has it
      halved. A pixel is segmented when ``sigmoid(m) > threshold * (1 +
      delta)``: a high-uncertainty region needs more evidence. The output
      logit is ``logit(Y_fg) = log sigmoid(m) - log(sigmoid(-m) + delta)``
      (computed with ``logaddexp``; equal to ``m`` where ``delta = 0``).

        Training (the paper does not say how alpha is trained): the
    segmentation losses ``loss_decode`` (CE/BCE + Dice + IoU in the RAVS
    configs) apply to ``m`` (``seg_loss_on='mask'``, default) or to the
    final output (``'final'``), and ``loss_evidential`` (default
    :class:`EvidentialLoss`, Sensoy et al. 2018 with KL annealing) to alpha
    resized to the label size. Unlabelled/padding frames (label = ignore
    index) count in no loss.

    Args:
        in_channels (Sequence[int]): Channels of the input stages.
        channels (int): Fusion width (SegFormer-B5: 768). Defaults to 256.
        temporal_heads (int): Heads of the temporal attention. Defaults
            to 8.
        use_temporal_attn (bool): Defaults to True.
        use_uncertainty (bool): UE on/off (ablation). Defaults to True.
        uncertainty_channels (int, optional): Hidden width of the
            uncertainty head (``channels`` if None).
        alpha_offset (float): Added to softplus (1: alpha = evidence + 1,
            Sensoy et al.; the paper uses softplus alone, i.e. 0).
            Defaults to 1.0.
        eps (float): epsilon of Eq. 11 (garbled in the paper text: "1 x
            10^-?"). Defaults to 1e-6.
        seg_loss_on (str): ``'mask'`` or ``'final'``. Defaults to 'mask'.
        binary_rule (str): Binary decision rule, ``'fg_divide'`` (default)
            or ``'class_ratio'`` (see above). Ignored for semantic tasks.
        num_frames (int, optional): T when neither the caller nor the
            metainfo gives it (see :meth:`BaseAVDecodeHead.clip_length`).
        loss_evidential (dict, optional): Evidential loss config. None
            trains alpha through the final output only (Eq. 12 as printed:
            needs ``seg_loss_on='final'``, and for binary tasks the
            ``'fg_divide'`` rule, through which the uncertainty reaches Y).
        interpolate_mode (str): Resize mode of the fusion. Defaults to
            'bilinear'.
        **kwargs: :class:`BaseDecodeHead` arguments.
    """

    def __init__(self,
                 in_channels: Sequence[int] = (64, 128, 320, 512),
                 channels: int = 256,
                 temporal_heads: int = 8,
                 use_temporal_attn: bool = True,
                 use_uncertainty: bool = True,
                 uncertainty_channels: Optional[int] = None,
                 alpha_offset: float = 1.0,
                 eps: float = 1e-6,
                 seg_loss_on: str = 'mask',
                 binary_rule: str = 'fg_divide',
                 num_frames: Optional[int] = None,
                 loss_evidential: Optional[ConfigType] = dict(
                     type='EvidentialLoss'),
                 interpolate_mode: str = 'bilinear',
                 **kwargs) -> None:
        kwargs.setdefault('in_index', list(range(len(in_channels))))
        kwargs.setdefault('input_transform', 'multiple_select')
        kwargs.setdefault('norm_cfg', dict(type='BN', requires_grad=True))
        super().__init__(
            num_frames=num_frames,
            in_channels=list(in_channels),
            channels=channels,
            **kwargs)
        if seg_loss_on not in ('mask', 'final'):
            raise ValueError(f"UncertaintyHead: seg_loss_on={seg_loss_on!r},"
                             " expected 'mask' or 'final'")
        if binary_rule not in ('fg_divide', 'class_ratio'):
            raise ValueError(f'UncertaintyHead: binary_rule={binary_rule!r}'
                             ", expected 'fg_divide' or 'class_ratio'")
        if use_uncertainty and loss_evidential is None and (
                seg_loss_on != 'final' or
            (self.out_channels == 1 and binary_rule == 'class_ratio')):
            raise ValueError(
                'UncertaintyHead: without loss_evidential alpha is trained '
                "through the final output only: set seg_loss_on='final' "
                "(and, for a binary head, binary_rule='fg_divide')")
        if alpha_offset < 0 or eps <= 0:
            raise ValueError('UncertaintyHead: alpha_offset must be >= 0 and '
                             f'eps > 0, got {alpha_offset}, {eps}')
        self.interpolate_mode = interpolate_mode
        self.convs = nn.ModuleList([
            ConvModule(
                c, channels, 1, norm_cfg=self.norm_cfg, act_cfg=self.act_cfg)
            for c in self.in_channels
        ])
        self.fusion_conv = ConvModule(
            channels * len(self.in_channels),
            channels,
            1,
            norm_cfg=self.norm_cfg,
            act_cfg=self.act_cfg)
        self.use_temporal_attn = use_temporal_attn
        if use_temporal_attn:
            self.temporal_attn = TemporalAttention(channels, temporal_heads)
            self.temporal_norm = nn.LayerNorm(channels)
        self.use_uncertainty = use_uncertainty
        self.alpha_offset = alpha_offset
        self.eps = eps
        self.seg_loss_on = seg_loss_on
        self.binary_rule = binary_rule
        self.num_evidence = self.out_channels if self.out_channels > 1 else 2
        if use_uncertainty:
            hidden = uncertainty_channels or channels
            self.uncertainty_head = nn.Sequential(
                ConvModule(
                    channels,
                    hidden,
                    3,
                    padding=1,
                    norm_cfg=self.norm_cfg,
                    act_cfg=self.act_cfg),
                nn.Conv2d(hidden, self.num_evidence, 1))
            self.loss_evidential = (
                MODELS.build(loss_evidential)
                if loss_evidential is not None else None)

    # ------------------------------------------------------------------
    def _temporal(self, x: Tensor, num_frames: int) -> Tensor:
        # channels-last x: the token view [B, T, H*W, C] is free, and so is
        # the channels-last [N, C, H, W] view of the result
        n, c, h, w = x.shape
        b = n // num_frames
        seq = x.permute(0, 2, 3, 1).reshape(b, num_frames, h * w, c)
        seq = self.temporal_norm(seq + self.temporal_attn(seq))
        return seq.view(n, h, w, c).permute(0, 3, 1, 2)

    def decode(self, inputs: List[Tensor],
               num_frames: int) -> Tuple[Tensor, Optional[Tensor]]:
        """Mask logits and uncertainty logits.

        Args:
            inputs (list[Tensor]): Neck stages [B*T, C_i, H_i, W_i].
            num_frames (int): T.

        Returns:
            tuple: ``m`` [B*T, out_channels, H_0, W_0] and the uncertainty
            logits [B*T, K, H_0, W_0] (None without UE).
        """
        feats = self._transform_inputs(inputs)
        size = feats[0].shape[2:]
        outs = [
            resize(
                conv(f),
                size=size,
                mode=self.interpolate_mode,
                align_corners=self.align_corners)
            for conv, f in zip(self.convs, feats)
        ]
        x = torch.cat(outs, dim=1)
        x = self.fusion_conv(x.contiguous(memory_format=torch.channels_last))
        if self.use_temporal_attn:
            x = self._temporal(x, num_frames)
        m = self.cls_seg(x)
        u = self.uncertainty_head(x) if self.use_uncertainty else None
        return m, u

    def alpha(self, u: Tensor) -> Tensor:
        """Dirichlet parameters from uncertainty logits."""
        return F.softplus(u) + self.alpha_offset

    def final_logits(self, m: Tensor, u: Optional[Tensor]) -> Tensor:
        """Combine mask logits and uncertainty (Eq. 10-11).

        Args:
            m (Tensor): [N, out_channels, H, W] mask logits.
            u (Tensor, optional): [N, K, H, W] uncertainty logits.

        Returns:
            Tensor: output logits (see class docstring); ``m`` if ``u`` is
            None.
        """
        if u is None:
            return m
        delta = self.uncertainty(u)
        if m.shape[1] == 1 and self.binary_rule == 'fg_divide':
            # logit(Y_fg), Y_fg = p / (1 + delta): log p - log(1 - p + delta)
            delta = delta[:, 1:2]
            positive = delta > 0
            # log(delta) only where delta > 0 (no inf * 0 in the gradient)
            log_delta = torch.log(torch.where(positive, delta, 1.0))
            log_bg = F.logsigmoid(-m)
            log_bg = torch.where(positive, torch.logaddexp(log_bg, log_delta),
                                 log_bg)
            return F.logsigmoid(m) - log_bg
        log_div = torch.log(delta + self.eps)
        if m.shape[1] == 1:
            # logit(Y_fg / (Y_bg + Y_fg)), Y = (1 - p, p) / (delta + eps)
            return m - log_div[:, 1:2] + log_div[:, 0:1]
        return torch.log_softmax(m.log_softmax(1) - log_div, dim=1)

    def forward(
            self,
            inputs: List[Tensor],
            num_frames: Optional[int] = None
    ) -> Tuple[Tensor, Optional[Tensor]]:
        """Mask logits and uncertainty logits (see :meth:`decode`).

        Args:
            inputs (list[Tensor]): Neck stages [B*T, C_i, H_i, W_i].
            num_frames (int, optional): T (see
                :meth:`BaseAVDecodeHead.clip_length`).

        Returns:
            tuple: ``m`` and ``u`` (None without UE).
        """
        num = self.clip_length(inputs[0].shape[0], num_frames)
        return self.decode(inputs, num)

    def seg_logits(self, outputs: Tuple[Tensor, Optional[Tensor]]) -> Tensor:
        """Output logits after UE [B*T, out_channels, H_0, W_0]."""
        m, u = outputs
        return self.final_logits(m, u)

    def uncertainty(self, u: Tensor) -> Tensor:
        """The per-frame normalised Dirichlet variance ``delta`` of Eq. 11.

        Args:
            u (Tensor): [N, K, H, W] uncertainty logits.

        Returns:
            Tensor: [N, K, H, W] in [0, 1] (the map Eq. 11 divides by).
        """
        return minmax_per_frame(dirichlet_variance(self.alpha(u)))

    def maps(self, outputs: Tuple[Tensor, Optional[Tensor]]) -> dict:
        """The maps behind the prediction, for visualization.

        Args:
            outputs (tuple): ``(m, u)`` as :meth:`forward` returns them.

        Returns:
            dict: ``mask_logits`` ``m`` [N, out_channels, H_0, W_0] and,
            under UE, ``uncertainty`` [N, K, H_0, W_0] (:meth:`uncertainty`,
            at the decoder's 1/4 resolution).
        """
        m, u = outputs
        out = dict(mask_logits=m)
        if u is not None:
            out['uncertainty'] = self.uncertainty(u)
        return out

    def loss_by_feat(self, seg_logits: Tuple[Tensor, Optional[Tensor]],
                     batch_data_samples: SampleList) -> dict:
        """Segmentation losses (+ evidential loss with UE).

        Args:
            seg_logits (tuple): ``(m, u)`` from :meth:`forward`.
            batch_data_samples (list[SegDataSample]): Frame samples.

        Returns:
            dict[str, Tensor]: Loss terms.
        """
        m, u = seg_logits
        seg = m if self.seg_loss_on == 'mask' else self.final_logits(m, u)
        losses = super().loss_by_feat(seg, batch_data_samples)
        if u is not None and self.loss_evidential is not None:
            label = self._stack_batch_gt(batch_data_samples).squeeze(1)
            u = resize(
                u,
                size=label.shape[1:],
                mode='bilinear',
                align_corners=self.align_corners)
            name = self.loss_evidential.loss_name
            losses[name] = self.loss_evidential(
                self.alpha(u), label, ignore_index=self.ignore_index)
        return losses
