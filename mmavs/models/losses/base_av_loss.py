# Copyright (c) mmavs contributors. All rights reserved.
"""The contract of an audio-visual loss (see
``docs/en/advanced_guides/design.md``, "The audio-visual losses")."""
from abc import ABCMeta, abstractmethod
from typing import Dict, Optional, Sequence

import torch
from mmseg.utils import SampleList
from torch import Tensor, nn


class BaseAVLoss(nn.Module, metaclass=ABCMeta):
    """Base class of the ``av_losses`` of :class:`AVEncoderDecoder`.

    In training the segmentor calls every audio-visual loss the same way::

        terms = loss(extras, audio_feat, data_samples)

    - ``extras``: a dict that always holds ``backbone_feats`` (the visual
      backbone's outputs), ``num_frames`` (``T``) and ``seg_logits`` (the
      decode head's training logits ``[B*T, C, h, w]``, with gradient), plus
      what the neck returned as its extras;
    - ``audio_feat``: the audio backbone's embedding ``[B*T, D]``;
    - ``data_samples``: the ``B*T`` frame samples (ground truth with
      unlabelled and padding frames set to the ignore index; metainfo with
      ``valid``, ``negative_pair``, ...).

    It returns a dict of terms; the runner sums those whose name contains
    ``loss``. Subclasses name what they read in their docstring and use
    :meth:`require` so that a missing key names the neck or head that
    provides it.
    """

    @staticmethod
    def require(extras: Dict, keys: Sequence[str], owner: str,
                provider: str) -> None:
        """Raise a KeyError naming the first key of ``keys`` missing.

        Args:
            extras (dict): The extras.
            keys (Sequence[str]): Keys the loss reads.
            owner (str): The loss, for the message.
            provider (str): What provides the keys (a neck, the head).
        """
        for key in keys:
            if key not in extras:
                raise KeyError(f'{owner} needs extras[{key!r}] from '
                               f'{provider}; got keys {sorted(extras)}')

    @staticmethod
    def valid_frames(data_samples: SampleList,
                     device: Optional[torch.device] = None) -> Tensor:
        """Bool ``[N]``: frames that are not padding (metainfo ``valid``).

        Args:
            data_samples (list[SegDataSample]): The frame samples.
            device (torch.device, optional): Device of the result.

        Returns:
            Tensor: One flag per frame.
        """
        return torch.tensor(
            [bool(s.metainfo.get('valid', True)) for s in data_samples],
            dtype=torch.bool,
            device=device)

    @abstractmethod
    def forward(self, extras: Dict, audio_feat: Tensor,
                data_samples: SampleList) -> Dict[str, Tensor]:
        """Compute the loss terms.

        Args:
            extras (dict): See the class docstring.
            audio_feat (Tensor): Audio embeddings [B*T, D].
            data_samples (list[SegDataSample]): The frame samples.

        Returns:
            dict[str, Tensor]: Loss terms.
        """
