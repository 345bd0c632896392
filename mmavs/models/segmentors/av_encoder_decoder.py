# Copyright (c) mmavs contributors. All rights reserved.
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import torch
from mmengine.structures import PixelData
from mmseg.models.segmentors.base import BaseSegmentor
from mmseg.models.utils import resize
from mmseg.structures import SegDataSample
from mmseg.utils import (ConfigType, OptConfigType, OptMultiConfig,
                         OptSampleList, SampleList)
from torch import Tensor, nn

from mmavs.registry import MODELS
from ..decode_heads.base_av_decode_head import BaseAVDecodeHead
from ..necks.base_av_neck import BaseAVNeck

AVInputs = Dict[str, Union[Tensor, int]]

#: Extras keys the segmentor writes; a neck may not return them.
RESERVED_EXTRAS = ('backbone_feats', 'num_frames', 'seg_logits')


@MODELS.register_module()
class AVEncoderDecoder(BaseSegmentor):
    """Audio-visual encoder-decoder segmentor.

    ``inputs`` is the dict made by :class:`AVDataPreprocessor`:
    ``frames`` [B*T, 3, H, W], ``audio`` [B, T, ...] and ``num_frames`` T.
    The model runs (``docs/en/advanced_guides/design.md`` states the
    contracts of every joint)

    1. ``backbone(frames)`` -> multi-scale visual features;
    2. ``audio_backbone(audio.flatten(0, 1))`` -> audio embedding [B*T, D]
       (under ``torch.no_grad()`` and in eval mode when the audio backbone is
       frozen, i.e. has ``frozen=True``);
    3. ``neck(feats, audio_feat, num_frames, gt_masks)`` -> ``(feats,
       extras)`` (a :class:`BaseAVNeck`): the decode head's inputs and a
       dict of intermediate tensors (per-stage features, group tokens...)
       for the audio-visual losses. ``gt_masks`` [B*T, 1, H, W] (1 on
       sounding pixels and on pixels without ground truth) are always
       passed in training, None at inference; necks that do not use them
       ignore them. Without a neck the backbone features go to the head and
       the extras are empty;
    4. ``decode_head.forward(feats)`` (``forward(feats, num_frames)`` for a
       :class:`BaseAVDecodeHead`) -> the head's outputs, then
       ``loss_by_feat`` in training and ``predict_by_feat`` at inference,
       as mmseg's heads do;
    5. in training, ``av_losses``: :class:`BaseAVLoss` modules called as
       ``loss(extras, audio_feat, data_samples)`` that return a dict of
       ``loss_*`` terms. ``extras`` holds what the neck returned plus
       ``backbone_feats`` (the visual backbone's features), ``num_frames``
       and ``seg_logits`` (the head's training logits [B*T, C, h, w]).
       Everything reaches them as arguments; nothing is written into the
       data samples to be read back.

    Frames whose metainfo says ``valid=False`` (padding) or
    ``labelled=False`` (no ground truth for training, e.g. S4 train frames
    2..5) get ``ignore_index`` everywhere in their training target, so every
    mmseg loss skips them (use ``avg_non_ignore=True`` to average over the
    supervised pixels only, as the official AVSBench losses do).

    Args:
        backbone (dict): Visual backbone config (mmseg/timm/mmavs).
        audio_backbone (dict): Audio backbone config.
        decode_head (dict): Decode head config.
        neck (dict, optional): Audio-visual fusion neck config.
        av_losses (list[dict], optional): Extra audio-visual loss modules.
        audio_blind (bool): Zero the audio input (ablation: a model that
            cannot hear). Defaults to False.
        train_cfg (dict, optional): Passed to the decode head.
        test_cfg (dict, optional): ``mode='whole'`` (only whole-clip
            inference is supported: temporal modules need all frames).
        data_preprocessor (dict, optional): Usually ``AVDataPreprocessor``.
        init_cfg (dict, optional): Initialization config.
    """

    def __init__(self,
                 backbone: ConfigType,
                 audio_backbone: ConfigType,
                 decode_head: ConfigType,
                 neck: OptConfigType = None,
                 av_losses: Optional[Sequence[ConfigType]] = None,
                 audio_blind: bool = False,
                 train_cfg: OptConfigType = None,
                 test_cfg: OptConfigType = None,
                 data_preprocessor: OptConfigType = None,
                 init_cfg: OptMultiConfig = None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.audio_backbone = MODELS.build(audio_backbone)
        if neck is not None:
            self.neck = MODELS.build(neck)
            if not isinstance(self.neck, BaseAVNeck):
                raise TypeError(
                    f'AVEncoderDecoder: the neck {type(self.neck).__name__} '
                    'is not a BaseAVNeck; an audio-visual neck implements '
                    'forward(feats, audio_feat, num_frames, gt_masks=None) '
                    '-> (feats, extras)')
        self.decode_head = MODELS.build(decode_head)
        self.align_corners = self.decode_head.align_corners
        self.num_classes = self.decode_head.num_classes
        self.out_channels = self.decode_head.out_channels
        self.av_losses = nn.ModuleList(
            [MODELS.build(cfg) for cfg in (av_losses or [])])
        self.audio_blind = audio_blind
        self.train_cfg = train_cfg
        self.test_cfg = test_cfg
        mode = (test_cfg or {}).get('mode', 'whole')
        if mode != 'whole':
            raise ValueError(f"test_cfg.mode={mode!r}: only 'whole' inference "
                             'is supported by AVEncoderDecoder')

    @property
    def audio_frozen(self) -> bool:
        """Whether the audio backbone is frozen (no grad, eval mode)."""
        return bool(getattr(self.audio_backbone, 'frozen', False))

    def train(self, mode: bool = True) -> 'AVEncoderDecoder':
        """Set train mode, keeping a frozen audio backbone in eval mode."""
        super().train(mode)
        if self.audio_frozen:
            self.audio_backbone.eval()
        return self

    # ------------------------------------------------------------------
    # feature extraction
    def extract_audio_feat(self, audio: Tensor) -> Tensor:
        """Embed per-frame audio.

        Args:
            audio (Tensor): [B, T, ...] audio inputs.

        Returns:
            Tensor: [B*T, D] audio embeddings.
        """
        audio = audio.flatten(0, 1)
        if self.audio_blind:
            audio = torch.zeros_like(audio)
        if self.audio_frozen:
            with torch.no_grad():
                return self.audio_backbone(audio)
        return self.audio_backbone(audio)

    def extract_feat(self, inputs: AVInputs) -> Tuple[List[Tensor], Tensor]:
        """Visual features of every frame and the audio embedding."""
        feats = self.backbone(inputs['frames'])
        audio_feat = self.extract_audio_feat(inputs['audio'])
        return list(feats), audio_feat

    def _sounding_masks(self, data_samples: SampleList) -> Tensor:
        """[B*T, 1, H, W] float masks of the training targets: 1 on
        sounding (non-zero) pixels and on pixels without ground truth
        (``ignore_index``, non-zero too), 0 on silent ones."""
        gts = torch.stack([s.gt_sem_seg.data for s in data_samples])
        return (gts != 0).float()

    def _fuse(
        self,
        inputs: AVInputs,
        data_samples: OptSampleList = None
    ) -> Tuple[Any, dict, Tensor]:
        """Backbones and neck: the head's inputs, the extras and the audio
        embedding. ``data_samples`` are given in training only."""
        feats, audio_feat = self.extract_feat(inputs)
        num_frames = inputs['num_frames']
        extras: dict = dict(backbone_feats=feats, num_frames=num_frames)
        if not self.with_neck:
            return feats, extras, audio_feat
        gt_masks = None
        if data_samples is not None:
            gt_masks = self._sounding_masks(data_samples)
        out = self.neck(feats, audio_feat, num_frames, gt_masks)
        if not (isinstance(out, tuple) and len(out) == 2
                and isinstance(out[1], dict)):
            raise TypeError(
                f'AVEncoderDecoder: {type(self.neck).__name__}.forward must '
                f'return (feats, extras: dict), got {type(out).__name__}')
        feats, neck_extras = out
        clash = sorted(set(neck_extras) & set(RESERVED_EXTRAS))
        if clash:
            raise KeyError(f'AVEncoderDecoder: {type(self.neck).__name__} '
                           f'returned the reserved extras key(s) {clash}')
        extras.update(neck_extras)
        return feats, extras, audio_feat

    def _decode(self, feats: Any, num_frames: int) -> Tuple[Any, Tensor]:
        """The decode head's outputs and per-frame logits [B*T, C, h, w].

        A :class:`BaseAVDecodeHead` gets the clip length and names its
        logits; any other (mmseg) decode head returns the logits.
        """
        if isinstance(self.decode_head, BaseAVDecodeHead):
            outputs = self.decode_head.forward(feats, num_frames)
            return outputs, self.decode_head.seg_logits(outputs)
        outputs = self.decode_head.forward(feats)
        return outputs, outputs

    def encode_decode(self, inputs: AVInputs,
                      batch_img_metas: List[dict]) -> Tensor:
        """Logits of every frame, resized to the input size."""
        feats, _, _ = self._fuse(inputs)
        outputs, _ = self._decode(feats, inputs['num_frames'])
        return self.decode_head.predict_by_feat(outputs, batch_img_metas)

    # ------------------------------------------------------------------
    # modes
    def _mask_unsupervised(self, data_samples: SampleList) -> SampleList:
        """Set the target of padding/unlabelled frames to ignore_index."""
        ignore_index = self.decode_head.ignore_index
        for sample in data_samples:
            if sample.metainfo.get('valid', True) and \
                    sample.metainfo.get('labelled', True):
                continue
            gt = sample.gt_sem_seg.data
            sample.gt_sem_seg = PixelData(
                data=torch.full_like(gt, ignore_index))
        return data_samples

    def loss(self, inputs: AVInputs, data_samples: SampleList) -> dict:
        """Losses of a batch of clips.

        Args:
            inputs (dict): Model inputs (see class docstring).
            data_samples (list[SegDataSample]): B*T frame samples.

        Returns:
            dict[str, Tensor]: Loss terms.
        """
        data_samples = self._mask_unsupervised(data_samples)
        feats, extras, audio_feat = self._fuse(inputs, data_samples)
        outputs, seg_logits = self._decode(feats, inputs['num_frames'])
        head_losses = self.decode_head.loss_by_feat(outputs, data_samples)
        losses = {f'decode.{k}': v for k, v in head_losses.items()}
        extras['seg_logits'] = seg_logits
        for module in self.av_losses:
            losses.update(module(extras, audio_feat, data_samples))
        return losses

    def _batch_img_metas(self, inputs: AVInputs,
                         data_samples: OptSampleList) -> List[dict]:
        if data_samples is not None:
            return [s.metainfo for s in data_samples]
        frames = inputs['frames']
        return [
            dict(
                ori_shape=frames.shape[2:],
                img_shape=frames.shape[2:],
                pad_shape=frames.shape[2:],
                padding_size=[0, 0, 0, 0])
        ] * frames.shape[0]

    def predict(self,
                inputs: AVInputs,
                data_samples: OptSampleList = None) -> SampleList:
        """Predict masks of every frame.

        Returns:
            list[SegDataSample]: B*T samples with ``seg_logits`` (raw logits
            at ``ori_shape``) and ``pred_sem_seg``.
        """
        batch_img_metas = self._batch_img_metas(inputs, data_samples)
        seg_logits = self.encode_decode(inputs, batch_img_metas)
        return self.postprocess_result(seg_logits, data_samples)

    def predict_with_extras(
            self,
            inputs: AVInputs,
            data_samples: OptSampleList = None) -> Tuple[SampleList, dict]:
        """Predict masks and return the intermediate maps of the model.

        The predictions are those of :meth:`predict` (same computation).
        The extras are returned explicitly, for visualization and analysis
        (:mod:`mmavs.visualization`, the inferencer, the analysis tools):

        - ``backbone_feats`` (list[Tensor]), ``num_frames`` (int),
          ``audio_feat`` (Tensor [B*T, D]: the audio backbone's embedding);
        - what the neck returned (e.g. :class:`AMANeck`'s
          ``ama_group_index``, ``ama_group_feats``, ``ama_audio_feats``);
        - the decode head's maps (:meth:`BaseAVDecodeHead.maps`, e.g.
          :class:`UncertaintyHead`'s ``mask_logits`` and ``uncertainty``).

        Args:
            inputs (dict): Model inputs (see class docstring).
            data_samples (list[SegDataSample], optional): Frame samples.

        Returns:
            tuple[list[SegDataSample], dict]: The predictions and the
            extras.
        """
        batch_img_metas = self._batch_img_metas(inputs, data_samples)
        feats, extras, audio_feat = self._fuse(inputs)
        extras['audio_feat'] = audio_feat
        outputs, _ = self._decode(feats, inputs['num_frames'])
        if isinstance(self.decode_head, BaseAVDecodeHead):
            extras.update(self.decode_head.maps(outputs))
        seg_logits = self.decode_head.predict_by_feat(outputs, batch_img_metas)
        return self.postprocess_result(seg_logits, data_samples), extras

    def postprocess_result(self,
                           seg_logits: Tensor,
                           data_samples: OptSampleList = None) -> SampleList:
        """Undo padding/flip, resize to ``ori_shape`` and predict.

        As mmseg's, except that one-channel (binary) heads keep their raw
        logits in ``seg_logits`` (mmseg stores sigmoid probabilities there):
        the AVS metrics apply the sigmoid themselves, as the official
        AVSBench code does. ``pred_sem_seg`` is ``sigmoid > threshold`` for
        one channel and the argmax otherwise.

        Args:
            seg_logits (Tensor): [N, C, H, W] logits at the padded input size.
            data_samples (list[SegDataSample], optional): The frame samples.

        Returns:
            list[SegDataSample]: With ``seg_logits`` and ``pred_sem_seg``.
        """
        num_frames, channels = seg_logits.shape[:2]
        only_prediction = data_samples is None
        if only_prediction:
            data_samples = [SegDataSample() for _ in range(num_frames)]
        height, width = seg_logits.shape[2:]
        for i, sample in enumerate(data_samples):
            logits = seg_logits[i:i + 1]
            if not only_prediction:
                meta = sample.metainfo
                left, right, top, bottom = meta.get(
                    'img_padding_size', meta.get('padding_size', [0] * 4))
                logits = logits[:, :, top:height - bottom, left:width - right]
                if meta.get('flip', False):
                    direction = meta.get('flip_direction', 'horizontal')
                    logits = logits.flip(dims=(3, ) if direction ==
                                         'horizontal' else (2, ))
                logits = resize(
                    logits,
                    size=meta['ori_shape'],
                    mode='bilinear',
                    align_corners=self.align_corners,
                    warning=False)
            logits = logits[0]
            if channels > 1:
                pred = logits.argmax(dim=0, keepdim=True)
            else:
                pred = (logits.sigmoid() > self.decode_head.threshold).long()
            sample.set_data(
                dict(
                    seg_logits=PixelData(data=logits),
                    pred_sem_seg=PixelData(data=pred)))
        return data_samples

    def _forward(self,
                 inputs: AVInputs,
                 data_samples: OptSampleList = None) -> Tensor:
        """Per-frame logits of the decode head (``mode='tensor'``)."""
        feats, _, _ = self._fuse(inputs)
        return self._decode(feats, inputs['num_frames'])[1]
