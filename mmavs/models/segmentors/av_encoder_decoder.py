# Copyright (c) mmavs contributors. All rights reserved.
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
from mmengine.structures import PixelData
from mmseg.models.segmentors.base import BaseSegmentor
from mmseg.models.utils import resize
from mmseg.structures import SegDataSample
from mmseg.utils import (ConfigType, OptConfigType, OptMultiConfig,
                         OptSampleList, SampleList)
from torch import Tensor, nn

from mmavs.registry import MODELS

AVInputs = Dict[str, Union[Tensor, int]]


@MODELS.register_module()
class AVEncoderDecoder(BaseSegmentor):
    """Audio-visual encoder-decoder segmentor (design notes §5).

    ``inputs`` is the dict made by :class:`AVDataPreprocessor`:
    ``frames`` [B*T, 3, H, W], ``audio`` [B, T, ...] and ``num_frames`` T.
    The model runs

    1. ``backbone(frames)`` -> multi-scale visual features;
    2. ``audio_backbone(audio.flatten(0, 1))`` -> audio embedding [B*T, D]
       (under ``torch.no_grad()`` and in eval mode when the audio backbone is
       frozen, i.e. has ``frozen=True``);
    3. ``neck(feats, audio_feat, num_frames)`` -> fused features. A neck may
       return ``(feats, extras)`` where ``extras`` is a dict of intermediate
       tensors (per-stage features, group tokens...) that audio-aware losses
       need; they are passed explicitly, never through global state. A
       neck whose ``requires_gt_masks`` is True also gets ``gt_masks``
       [B*T, 1, H, W] (1 on sounding pixels and on pixels without ground
       truth) in training, for ground-truth filtering ablations;
    4. ``decode_head`` (an mmseg-style head) -> per-frame logits;
    5. ``av_losses``: modules called as ``loss(extras, audio_feat,
       data_samples)`` that return a dict of ``loss_*`` terms. ``extras``
       always holds ``backbone_feats`` (the visual backbone's multi-scale
       features) and ``num_frames``, plus what the neck returned. Losses
       that need the predicted masks read the per-frame training logits a
       head attaches to the data samples (field ``train_seg_logits``, see
       :class:`TPAVIHead`), since the audio-visual losses run after the
       head's loss.

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
    ) -> Tuple[List[Tensor], dict, Tensor]:
        feats, audio_feat = self.extract_feat(inputs)
        extras: dict = dict(
            backbone_feats=feats, num_frames=inputs['num_frames'])
        if self.with_neck:
            kwargs = dict()
            if data_samples is not None and \
                    getattr(self.neck, 'requires_gt_masks', False):
                kwargs['gt_masks'] = self._sounding_masks(data_samples)
            out = self.neck(feats, audio_feat, inputs['num_frames'],
                            **kwargs)
            if isinstance(out, tuple) and len(out) == 2 and \
                    isinstance(out[1], dict):
                feats, neck_extras = out
                extras.update(neck_extras)
            else:
                feats = out
        return feats, extras, audio_feat

    def encode_decode(self, inputs: AVInputs,
                      batch_img_metas: List[dict]) -> Tensor:
        """Logits of every frame, resized to the input size."""
        feats, _, _ = self._fuse(inputs)
        seg_logits = self.decode_head.predict(feats, batch_img_metas,
                                              self.test_cfg)
        return seg_logits

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
        losses = dict()
        head_losses = self.decode_head.loss(feats, data_samples,
                                            self.train_cfg)
        losses.update({f'decode.{k}': v for k, v in head_losses.items()})
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
        - what the decode head returned when it has
          ``predict_with_extras`` (e.g. :class:`UncertaintyHead`'s
          ``uncertainty``).

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
        head_predict = getattr(self.decode_head, 'predict_with_extras', None)
        if head_predict is not None:
            seg_logits, head_extras = head_predict(feats, batch_img_metas,
                                                   self.test_cfg)
            extras.update(head_extras)
        else:
            seg_logits = self.decode_head.predict(feats, batch_img_metas,
                                                  self.test_cfg)
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
        """Raw decode-head output (``mode='tensor'``)."""
        feats, _, _ = self._fuse(inputs)
        return self.decode_head.forward(feats)
