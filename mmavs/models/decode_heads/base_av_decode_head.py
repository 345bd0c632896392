# Copyright (c) mmavs contributors. All rights reserved.
"""Decode heads that see whole clips (see
``docs/en/advanced_guides/design.md``, "The decode head")."""
from abc import ABCMeta, abstractmethod
from typing import Any, List, Optional

from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.utils import ConfigType, SampleList
from torch import Tensor


class BaseAVDecodeHead(BaseDecodeHead, metaclass=ABCMeta):
    """An mmseg decode head whose forward also takes the clip length.

    :class:`AVEncoderDecoder` uses any mmseg decode head the mmseg way:
    ``outputs = head.forward(inputs)``, then ``head.loss_by_feat(outputs,
    data_samples)`` in training and ``head.predict_by_feat(outputs,
    batch_img_metas)`` at inference, where ``inputs`` is what the neck
    returned and ``outputs`` are the logits ``[B*T, C, h, w]``. A head that
    needs more subclasses this class and gets

    - ``forward(inputs, num_frames)``: the clip length ``T`` too (e.g. for
      attention across the frames of a clip); it returns whatever its
      ``loss_by_feat`` / ``predict_by_feat`` take (a tensor, or a tuple
      such as mask and uncertainty logits);
    - ``seg_logits(outputs)``: the per-frame logits ``[B*T, C, h, w]`` of
      those outputs, which the segmentor hands to the audio-visual losses
      (``extras['seg_logits']``) and :meth:`predict_by_feat` resizes.

    ``loss`` and ``predict`` keep mmseg's signatures (for direct use); they
    read ``T`` from the frames' metainfo (``num_frames``).

    Args:
        num_frames (int, optional): ``T`` when neither the caller nor the
            metainfo gives it (``forward`` without it, e.g. in tests).
        **kwargs: :class:`BaseDecodeHead` arguments.
    """

    def __init__(self, num_frames: Optional[int] = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.num_frames = num_frames

    def clip_length(self,
                    batch: int,
                    num_frames: Optional[int] = None,
                    batch_img_metas: Optional[List[dict]] = None) -> int:
        """The clip length ``T`` of a batch of ``batch`` frames.

        Taken from ``num_frames``, else the metainfo of the first frame,
        else the head's ``num_frames``.

        Args:
            batch (int): Frames in the batch (``B*T``).
            num_frames (int, optional): ``T`` given by the caller.
            batch_img_metas (list[dict], optional): Frame metainfo.

        Returns:
            int: ``T``, which divides ``batch``.
        """
        num = num_frames
        if num is None and batch_img_metas:
            num = batch_img_metas[0].get('num_frames')
        if num is None:
            num = self.num_frames
        if num is None:
            raise ValueError(
                f'{type(self).__name__} needs the clip length: num_frames in '
                'the frame metainfo, or num_frames in the head config')
        if batch % num:
            raise ValueError(f'{type(self).__name__}: {batch} frames is not a '
                             f'multiple of num_frames={num}')
        return int(num)

    @abstractmethod
    def forward(self,
                inputs: Any,
                num_frames: Optional[int] = None) -> Any:
        """Decode the neck's output of ``B*T`` frames.

        Args:
            inputs: The neck's output (e.g. a list of maps).
            num_frames (int, optional): ``T`` (see :meth:`clip_length`).

        Returns:
            The head's outputs, as :meth:`loss_by_feat` takes them.
        """

    def seg_logits(self, outputs: Any) -> Tensor:
        """Per-frame logits ``[B*T, C, h, w]`` of the head's outputs.

        Args:
            outputs: What :meth:`forward` returned.

        Returns:
            Tensor: The logits (the outputs themselves by default).
        """
        return outputs

    def maps(self, outputs: Any) -> dict:
        """Intermediate maps of the head's outputs, for visualization and
        analysis (:meth:`AVEncoderDecoder.predict_with_extras`).

        Args:
            outputs: What :meth:`forward` returned.

        Returns:
            dict: Named maps (none by default).
        """
        return {}

    def predict_by_feat(self, seg_logits: Any,
                        batch_img_metas: List[dict]) -> Tensor:
        """Resize the logits of the head's outputs to the input size.

        Args:
            seg_logits: What :meth:`forward` returned.
            batch_img_metas (list[dict]): Frame metainfo.

        Returns:
            Tensor: Logits at the (padded) input size.
        """
        return super().predict_by_feat(
            self.seg_logits(seg_logits), batch_img_metas)

    def loss(self, inputs: Any, batch_data_samples: SampleList,
             train_cfg: ConfigType) -> dict:
        """Losses of a batch (mmseg signature; ``T`` from the metainfo).

        Args:
            inputs: The neck's output.
            batch_data_samples (list[SegDataSample]): Frame samples.
            train_cfg (dict): Training config.

        Returns:
            dict[str, Tensor]: Loss terms.
        """
        metas = [s.metainfo for s in batch_data_samples]
        num = self.clip_length(len(batch_data_samples), None, metas)
        return self.loss_by_feat(
            self.forward(inputs, num), batch_data_samples)

    def predict(self, inputs: Any, batch_img_metas: List[dict],
                test_cfg: ConfigType) -> Tensor:
        """Logits at the input size (mmseg signature; ``T`` from the
        metainfo).

        Args:
            inputs: The neck's output.
            batch_img_metas (list[dict]): Frame metainfo.
            test_cfg (dict): Test config.

        Returns:
            Tensor: Logits at the (padded) input size.
        """
        num = self.clip_length(len(batch_img_metas), None, batch_img_metas)
        return self.predict_by_feat(
            self.forward(inputs, num), batch_img_metas)
