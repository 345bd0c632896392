# Copyright (c) mmavs contributors. All rights reserved.
"""The contract of an audio-visual neck (see
``docs/en/advanced_guides/design.md``, "The neck")."""
from abc import ABCMeta, abstractmethod
from typing import Any, Dict, List, Optional, Sequence, Tuple

from mmengine.model import BaseModule
from torch import Tensor

#: What a neck returns: the decode head's input and the extras for the
#: audio-visual losses.
NeckOutput = Tuple[Any, Dict[str, Any]]


class BaseAVNeck(BaseModule, metaclass=ABCMeta):
    """Base class of the necks of :class:`AVEncoderDecoder`.

    The segmentor calls every neck the same way::

        feats, extras = neck(feats, audio_feat, num_frames, gt_masks)

    - ``feats``: the visual backbone's outputs, ``[B*T, C_i, H_i, W_i]``
      (all frames of the batch, clip after clip);
    - ``audio_feat``: the audio embedding of every frame, ``[B*T, D]``
      (``[B*T, L, D]`` audio tokens for necks that accept them);
    - ``num_frames``: the clip length ``T``;
    - ``gt_masks``: in training always the frames' sounding masks
      ``[B*T, 1, H, W]`` (float: 1 on sounding pixels and on pixels without
      ground truth, 0 on silent ones), None at inference. A neck that does
      not use them ignores them.

    It returns a pair, always: what the decode head takes (a list of maps,
    or a dict for heads that need more, e.g. queries and mask features),
    and ``extras``, a dict of intermediate tensors for the audio-visual
    losses (empty when there are none). The segmentor reserves the extras
    keys ``backbone_feats``, ``num_frames`` and ``seg_logits``.

    Subclasses that select some backbone outputs (``in_index``) and check
    their number use :meth:`select_inputs`.

    Args:
        in_channels (Sequence[int]): Channels of the selected backbone
            outputs.
        in_index (Sequence[int], optional): Backbone outputs to use (all by
            default); ``in_channels`` lists the selected ones.
        init_cfg (dict, optional): Initialization config.
    """

    def __init__(self,
                 in_channels: Sequence[int],
                 in_index: Optional[Sequence[int]] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.in_channels = list(in_channels)
        self.in_index = list(in_index) if in_index is not None else None
        if self.in_index is not None and \
                len(self.in_index) != len(self.in_channels):
            raise ValueError(f'{type(self).__name__}: in_index '
                             f'{self.in_index} and in_channels '
                             f'{self.in_channels} differ in length')

    def select_inputs(self, feats: Sequence[Tensor]) -> List[Tensor]:
        """The backbone outputs listed in ``in_index``, checked against
        ``in_channels``.

        Args:
            feats (Sequence[Tensor]): Backbone outputs.

        Returns:
            list[Tensor]: One map per entry of ``in_channels``.
        """
        name = type(self).__name__
        if self.in_index is not None:
            if max(self.in_index) >= len(feats):
                raise ValueError(f'{name}: in_index {self.in_index} out of '
                                 f'range for {len(feats)} feature maps')
            feats = [feats[i] for i in self.in_index]
        feats = list(feats)
        if len(feats) != len(self.in_channels):
            raise ValueError(f'{name} has {len(self.in_channels)} stages '
                             f'(in_channels={self.in_channels}), got '
                             f'{len(feats)} feature maps')
        return feats

    @abstractmethod
    def forward(self,
                feats: Sequence[Tensor],
                audio_feat: Tensor,
                num_frames: int,
                gt_masks: Optional[Tensor] = None) -> NeckOutput:
        """Fuse the visual features with the audio.

        Args:
            feats (Sequence[Tensor]): Backbone outputs [B*T, C_i, H_i, W_i].
            audio_feat (Tensor): Audio embeddings [B*T, D].
            num_frames (int): Frames per clip T.
            gt_masks (Tensor, optional): Sounding masks [B*T, 1, H, W] in
                training, None at inference.

        Returns:
            tuple: The decode head's inputs and the extras dict.
        """
