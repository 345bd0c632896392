# Copyright (c) mmavs contributors. All rights reserved.
import torch.nn.functional as F
from mmengine.model import BaseModule
from torch import Tensor, nn


class CrossModalMixer(BaseModule):
    """The audio-visual mixer of AVSegFormer (channel attention).

    With the mask features ``F`` [N, C, H, W] (tokens ``f`` [N, HW, C]) and
    the frame's audio embedding ``a`` [N, C], per head ``h`` of
    ``num_heads`` (``d = C / num_heads``):

    - ``q = W_q a``, ``[k, v] = W_kv f`` (bias-free by default);
    - ``attn_h = softmax(q_h k_h^T / sqrt(d))`` over the HW positions
      (paper eq. 9);
    - ``omega = sigmoid(W_o concat_h(attn_h v_h))`` [N, C], one weight per
      channel;
    - official code (default, ``residual=False``): ``F_hat = F * omega``;
      paper eq. (10) (``residual=True``): ``F_hat = F + F * omega``.

    The official ``CrossModalMixer`` builds an attention dropout it never
    applies; ``dropout`` here is the dropout after ``W_o`` (official
    ``proj_drop``, 0). The official ``x.squeeze()`` fails for a batch of one
    frame; here any N works.

    Args:
        embed_dims (int): Channels C. Defaults to 256.
        num_heads (int): Heads. Defaults to 8.
        qkv_bias (bool): Biases of ``W_q`` / ``W_kv``. Defaults to False.
        dropout (float): Dropout after ``W_o``. Defaults to 0.
        residual (bool): Paper eq. (10) instead of the official product.
            Defaults to False.
        init_cfg (dict, optional): Initialization config.
    """

    def __init__(self,
                 embed_dims: int = 256,
                 num_heads: int = 8,
                 qkv_bias: bool = False,
                 dropout: float = 0.,
                 residual: bool = False,
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        if embed_dims % num_heads:
            raise ValueError(f'CrossModalMixer: embed_dims {embed_dims} is '
                             f'not divisible by num_heads {num_heads}')
        self.embed_dims = embed_dims
        self.num_heads = num_heads
        self.residual = residual
        self.q_proj = nn.Linear(embed_dims, embed_dims, bias=qkv_bias)
        self.kv_proj = nn.Linear(embed_dims, 2 * embed_dims, bias=qkv_bias)
        self.proj = nn.Linear(embed_dims, embed_dims)
        self.proj_drop = nn.Dropout(dropout)

    def channel_weights(self, feat: Tensor, audio: Tensor) -> Tensor:
        """The channel weights ``omega`` [N, C] (values in (0, 1))."""
        num, channels = feat.shape[:2]
        heads = self.num_heads
        tokens = feat.flatten(2).transpose(1, 2)
        q = self.q_proj(audio).view(num, heads, 1, channels // heads)
        k, v = self.kv_proj(tokens).view(num, -1, 2, heads,
                                         channels // heads).permute(
                                             2, 0, 3, 1, 4)
        x = F.scaled_dot_product_attention(q, k, v)  # [N, heads, 1, d]
        x = self.proj_drop(self.proj(x.reshape(num, channels)))
        return x.sigmoid()

    def forward(self, feat: Tensor, audio: Tensor) -> Tensor:
        """Weight the channels of ``feat`` by the audio.

        Args:
            feat (Tensor): Mask features [N, C, H, W].
            audio (Tensor): Audio embeddings [N, C].

        Returns:
            Tensor: Mixed features [N, C, H, W].
        """
        if feat.dim() != 4 or feat.shape[1] != self.embed_dims or \
                audio.shape != (feat.shape[0], self.embed_dims):
            raise ValueError(
                f'CrossModalMixer expects features [N, {self.embed_dims}, H, '
                f'W] and audio [N, {self.embed_dims}], got '
                f'{tuple(feat.shape)} and {tuple(audio.shape)}')
        omega = self.channel_weights(feat, audio)[:, :, None, None]
        mixed = feat * omega
        return feat + mixed if self.residual else mixed
