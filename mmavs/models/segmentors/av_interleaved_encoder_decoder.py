# Copyright (c) mmavs contributors. All rights reserved.
from typing import Any, List, Optional, Tuple

from mmseg.utils import OptSampleList
from torch import Tensor

from mmavs.registry import MODELS
from ..utils.backbone_stages import BackboneStages, backbone_stages
from .av_encoder_decoder import RESERVED_EXTRAS, AVEncoderDecoder, AVInputs


@MODELS.register_module()
class AVInterleavedEncoderDecoder(AVEncoderDecoder):
    """Audio-visual segmentor whose neck runs *between* the encoder stages.

    RAVS places its audio-guided modality alignment (AMA) between the
    visual encoder's blocks: "The feature map obtained by remapping the
    compact representations is then passed into the next block". For a
    four-stage encoder with AMA at 1/4, 1/8 and 1/16 this segmentor runs::

        x = stage_0(frames);  x = AMA_0(x, audio)   # 1/4
        x = stage_1(x);       x = AMA_1(x, audio)   # 1/8
        x = stage_2(x);       x = AMA_2(x, audio)   # 1/16
        x = stage_3(x)                              # 1/32

    and gives the decode head the stage maps after alignment (those the
    neck selects with its ``in_index``), so the alignment at 1/4 reaches the
    features at 1/8, 1/16 and 1/32. The backbone is run with its own stage
    modules (:func:`backbone_stages`: mmseg's MiT, timm feature nets such as
    PVT-v2 through mmseg's ``TIMMBackbone``, :class:`SimpleConvNet`) and
    stays ``self.backbone``, so its parameters, state-dict keys and
    pretrained checkpoints are those of the plain backbone; the AMA blocks
    stay ``self.neck.blocks``. A model of this class and its post-hoc
    :class:`AVEncoderDecoder` twin have the same parameters.

    The neck must provide the interleaving interface of :class:`AMANeck`:
    ``backbone_indices`` (the backbone output aligned by each block, in
    order), ``align_stage(pos, feat, audio_feat, gt_masks) -> (feat,
    out)``, ``collect_extras(outs) -> extras`` and ``select_inputs``.
    Everything else (audio embedding, decode head, losses, ``gt_masks`` in
    training, the extras the losses read) is as in
    :class:`AVEncoderDecoder`; ``extras['backbone_feats']`` holds each
    stage's output before its alignment.

    Args:
        **kwargs: :class:`AVEncoderDecoder` arguments; ``neck`` is
            required.
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        if not self.with_neck:
            raise ValueError('AVInterleavedEncoderDecoder needs a neck that '
                             'aligns the stages (e.g. AMANeck)')
        missing = [
            name
            for name in ('backbone_indices', 'align_stage', 'collect_extras')
            if not hasattr(self.neck, name)
        ]
        if missing:
            raise TypeError(
                'AVInterleavedEncoderDecoder: the neck '
                f'{type(self.neck).__name__} lacks {missing}; it must run '
                'per stage like AMANeck')
        run = self._stages()
        outputs = len(run.out_indices)
        indices = list(self.neck.backbone_indices)
        if any(not 0 <= i < outputs for i in indices) or \
                indices != sorted(set(indices)):
            raise ValueError(
                f'AVInterleavedEncoderDecoder: the neck aligns backbone '
                f'outputs {indices}; the backbone returns {outputs} maps '
                '(the aligned outputs must be distinct and in order)')

    def _stages(self) -> BackboneStages:
        return backbone_stages(self.backbone)

    def extract_feat(self, inputs: AVInputs) -> Tuple[List[Tensor], Tensor]:
        """Not available: the visual features depend on the audio here; use
        :meth:`_fuse`."""
        raise NotImplementedError(
            'AVInterleavedEncoderDecoder interleaves the neck with the '
            'backbone; the visual features alone are not defined')

    def _fuse(self,
              inputs: AVInputs,
              data_samples: OptSampleList = None) -> Tuple[Any, dict, Tensor]:
        """Encoder stages with the neck's blocks between them: the head's
        inputs, the extras and the audio embedding."""
        audio_feat = self.extract_audio_feat(inputs['audio'])
        num_frames = inputs['num_frames']
        gt_masks = None
        if data_samples is not None:
            gt_masks = self._sounding_masks(data_samples)
        run = self._stages()
        # backbone output index -> position of the AMA block aligning it
        block_of = {
            run.out_indices[i]: pos
            for pos, i in enumerate(self.neck.backbone_indices)
        }
        raw: List[Tensor] = []
        aligned: List[Tensor] = []
        outs: List[dict] = []
        x = inputs['frames']
        for stage, forward in enumerate(run.stages):
            x = forward(x)
            pos: Optional[int] = block_of.get(stage)
            if stage in run.out_indices:
                raw.append(x)
            if pos is not None:
                x, out = self.neck.align_stage(pos, x, audio_feat, gt_masks)
                outs.append(out)
            if stage in run.out_indices:
                aligned.append(x)
        feats = self.neck.select_inputs(aligned)
        extras: dict = dict(backbone_feats=raw, num_frames=num_frames)
        neck_extras = self.neck.collect_extras(outs)
        clash = sorted(set(neck_extras) & set(RESERVED_EXTRAS))
        if clash:
            raise KeyError(f'AVInterleavedEncoderDecoder: '
                           f'{type(self.neck).__name__} returned the '
                           f'reserved extras key(s) {clash}')
        extras.update(neck_extras)
        return feats, extras, audio_feat
