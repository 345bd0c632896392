# Copyright (c) mmavs contributors. All rights reserved.
import math

import torch
from mmengine.model import BaseModule
from torch import Tensor


class SinePositionalEncoding(BaseModule):
    """2-D sine positional encoding of DETR (Carion et al., 2020).

    The formula of mmdet's ``SinePositionalEncoding`` (mmseg 1.2.2 has none
    and mmdet is not a dependency of mmavs). For a padding mask
    [B, H, W] (non-zero = padding), ``y``/``x`` are the cumulative counts of
    valid positions along H / W (1-based), optionally normalised to
    ``(v + offset) / (v_last + eps) * scale``; with
    ``dim_t_i = temperature ** (2 * (i // 2) / num_feats)`` the encoding of a
    coordinate ``v`` is ``[sin(v / dim_t_0), cos(v / dim_t_1), sin(v /
    dim_t_2), ...]`` and the output is ``cat(enc(y), enc(x))`` over
    channels: [B, 2 * num_feats, H, W].

    Args:
        num_feats (int): Channels per coordinate (half the output).
        temperature (int): Temperature. Defaults to 10000.
        normalize (bool): Normalise the coordinates. Defaults to False
            (AVSegFormer).
        scale (float): Scale after normalisation. Defaults to 2 pi.
        eps (float): Normalisation epsilon. Defaults to 1e-6.
        offset (float): Offset before normalisation. Defaults to 0.
        init_cfg (dict, optional): Initialization config.
    """

    def __init__(self,
                 num_feats: int,
                 temperature: int = 10000,
                 normalize: bool = False,
                 scale: float = 2 * math.pi,
                 eps: float = 1e-6,
                 offset: float = 0.,
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        if num_feats % 2:
            raise ValueError('SinePositionalEncoding: num_feats must be even, '
                             f'got {num_feats}')
        self.num_feats = num_feats
        self.temperature = temperature
        self.normalize = normalize
        self.scale = scale
        self.eps = eps
        self.offset = offset

    def forward(self, mask: Tensor) -> Tensor:
        """Encode the positions of a padding mask.

        Args:
            mask (Tensor): [B, H, W], non-zero on padding positions.

        Returns:
            Tensor: [B, 2 * num_feats, H, W] float32 encoding.
        """
        if mask.dim() != 3:
            raise ValueError('SinePositionalEncoding expects a mask [B, H, W],'
                             f' got {tuple(mask.shape)}')
        not_mask = 1 - mask.to(torch.int)
        y_embed = not_mask.cumsum(1, dtype=torch.float32)
        x_embed = not_mask.cumsum(2, dtype=torch.float32)
        if self.normalize:
            y_embed = (y_embed + self.offset) / (
                y_embed[:, -1:, :] + self.eps) * self.scale
            x_embed = (x_embed + self.offset) / (
                x_embed[:, :, -1:] + self.eps) * self.scale
        dim_t = torch.arange(
            self.num_feats, dtype=torch.float32, device=mask.device)
        dim_t = self.temperature**(2 * (dim_t // 2) / self.num_feats)
        pos_x = x_embed[..., None] / dim_t
        pos_y = y_embed[..., None] / dim_t
        b, h, w = mask.shape
        # interleave sin (even channels) and cos (odd channels)
        pos_x = torch.stack((pos_x[..., 0::2].sin(), pos_x[..., 1::2].cos()),
                            dim=4).view(b, h, w, -1)
        pos_y = torch.stack((pos_y[..., 0::2].sin(), pos_y[..., 1::2].cos()),
                            dim=4).view(b, h, w, -1)
        return torch.cat((pos_y, pos_x), dim=3).permute(0, 3, 1, 2)
