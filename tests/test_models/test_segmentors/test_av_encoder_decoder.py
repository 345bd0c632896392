# Copyright (c) mmavs contributors. All rights reserved.
import pytest
import torch
from mmengine.registry import init_default_scope

import mmavs.models  # noqa: F401
from mmavs.datasets.collate import av_collate
from mmavs.datasets.transforms.formatting import PackAVSInputs
from mmavs.models.necks import BaseAVNeck
from mmavs.registry import MODELS
from mmavs.testing import packed_clip, tiny_model_cfg

init_default_scope('mmavs')


def _batch(num_clips=2, **kwargs):
    pack = PackAVSInputs()
    return av_collate([
        pack(packed_clip(seed=i, clip_id=f'c{i}', **kwargs))
        for i in range(num_clips)
    ])


def _model(**kwargs):
    torch.manual_seed(0)
    return MODELS.build(tiny_model_cfg(**kwargs))


def test_preprocessor_flattens_clips_and_stacks_audio():
    model = _model()
    data = model.data_preprocessor(_batch(num_clips=2, num_frames=3, size=30),
                                   training=True)
    frames = data['inputs']['frames']
    assert frames.shape == (6, 3, 32, 32)  # padded to size_divisor 8
    assert data['inputs']['audio'].shape == (2, 3, 1, 8, 8)
    assert data['inputs']['num_frames'] == 3
    samples = data['data_samples']
    assert [s.clip_id for s in samples] == ['c0'] * 3 + ['c1'] * 3
    assert [s.frame_idx for s in samples] == [0, 1, 2] * 2
    assert samples[0].gt_sem_seg.data.shape == (1, 32, 32)
    assert (samples[0].gt_sem_seg.data[0, 30:] == 255).all()  # seg padding


def test_preprocessor_rejects_mixed_clip_lengths():
    pack = PackAVSInputs()
    batch = av_collate([pack(packed_clip(num_frames=3)),
                        pack(packed_clip(num_frames=2))])
    with pytest.raises(ValueError, match='same number of frames'):
        _model().data_preprocessor(batch, training=True)


def test_unlabelled_and_padding_frames_do_not_enter_the_loss():
    labelled = [True, False, True]
    valid = [True, True, False]
    model = _model()
    batch = _batch(num_clips=2, labelled=labelled, valid=valid)
    loss = model(**model.data_preprocessor(batch, True), mode='loss')
    # the same loss computed by hand on frame 0 of each clip only
    data = model.data_preprocessor(
        _batch(num_clips=2, labelled=labelled, valid=valid), True)
    logits = model(**data, mode='tensor')
    logits = torch.nn.functional.interpolate(
        logits, size=(32, 32), mode='bilinear', align_corners=False)
    gts = torch.stack([s.gt_sem_seg.data[0] for s in data['data_samples']])
    keep = torch.tensor([0, 3])
    direct = torch.nn.functional.binary_cross_entropy_with_logits(
        logits[keep, 0], gts[keep].float())
    torch.testing.assert_close(loss['decode.loss_ce'], direct)


def test_frozen_audio_backbone_gets_no_gradient_and_stays_eval():
    cfg = tiny_model_cfg()
    cfg['audio_backbone']['frozen'] = True
    model = MODELS.build(cfg)
    model.train()
    assert not model.audio_backbone.training
    assert model.backbone.training
    loss = model(**model.data_preprocessor(_batch(), True), mode='loss')
    sum(v for k, v in loss.items() if 'loss' in k).backward()
    assert all(p.grad is None for p in model.audio_backbone.parameters())
    assert model.backbone.stages[0][0].conv.weight.grad is not None


def test_audio_blind_model_ignores_audio():
    model = _model(audio_blind=True).eval()
    batch = _batch(num_clips=1)
    data = model.data_preprocessor(batch, False)
    out_a = model(**data, mode='tensor')
    data['inputs']['audio'] = torch.randn_like(data['inputs']['audio'])
    torch.testing.assert_close(model(**data, mode='tensor'), out_a)
    hearing = _model().eval()
    data = hearing.data_preprocessor(batch, False)
    out_b = hearing(**data, mode='tensor')
    data['inputs']['audio'] = torch.randn_like(data['inputs']['audio'])
    assert not torch.allclose(hearing(**data, mode='tensor'), out_b)


def test_predict_returns_per_frame_masks_at_original_size():
    model = _model().eval()
    data = model.data_preprocessor(_batch(num_clips=2, size=30), False)
    with torch.no_grad():
        out = model(**data, mode='predict')
    assert len(out) == 6
    with torch.no_grad():  # the head's logits, resized to the 30x30 frames
        raw = torch.nn.functional.interpolate(
            model(**data, mode='tensor'), size=(30, 30), mode='bilinear',
            align_corners=False)
    torch.testing.assert_close(out[0].seg_logits.data, raw[0])
    for sample in out:
        assert sample.pred_sem_seg.data.shape == (1, 30, 30)
        logits = sample.seg_logits.data  # raw logits, not probabilities
        assert logits.shape == (1, 30, 30)
        assert torch.equal(sample.pred_sem_seg.data.bool(),
                           logits.sigmoid() > 0.5)
        assert {'clip_id', 'frame_idx', 'valid', 'labelled',
                'audio_condition'} <= set(sample.metainfo)


def test_semantic_head_predicts_class_indices():
    model = _model(out_channels=4, num_classes=4).eval()
    data = model.data_preprocessor(_batch(num_classes=4), False)
    with torch.no_grad():
        out = model(**data, mode='predict')
    assert out[0].seg_logits.data.shape == (4, 32, 32)
    assert out[0].pred_sem_seg.data.max() < 4


@MODELS.register_module()
class _RecordingLoss(torch.nn.Module):
    """An av_losses module that checks what the segmentor hands over."""

    def forward(self, extras, audio_feat, data_samples):
        return dict(loss_probe=audio_feat.sum() * 0 + len(data_samples) +
                    extras['probe'])


@MODELS.register_module()
class _ExtrasNeck(BaseAVNeck):
    """Passes the features through and records what it was given."""

    def __init__(self, extras=None):
        super().__init__(in_channels=(8, 16))
        self.calls = []
        self.extras = extras

    def forward(self, feats, audio, num_frames, gt_masks=None):
        self.calls.append(dict(num_frames=num_frames, gt_masks=gt_masks))
        extras = dict(probe=torch.tensor(float(num_frames)))
        return feats, dict(extras, **(self.extras or {}))


@MODELS.register_module()
class _KeepingLoss(torch.nn.Module):
    """An av_losses module that keeps the extras it gets."""

    def __init__(self):
        super().__init__()
        self.seen = []

    def forward(self, extras, audio_feat, data_samples):
        self.seen.append(extras)
        return dict(loss_zero=extras['seg_logits'].sum() * 0)


def test_neck_extras_reach_av_losses():
    cfg = tiny_model_cfg()
    cfg['neck'] = dict(type='_ExtrasNeck')
    cfg['av_losses'] = [dict(type='_RecordingLoss')]
    model = MODELS.build(cfg)
    loss = model(**model.data_preprocessor(_batch(num_clips=2), True),
                 mode='loss')
    assert loss['loss_probe'].item() == 6 + 3


def test_neck_gets_gt_masks_in_training_only():
    """Every neck gets the sounding masks in training (1 on sounding and on
    ignored pixels, 0 on silent ones) and None at inference."""
    cfg = tiny_model_cfg()
    cfg['neck'] = dict(type='_ExtrasNeck')
    model = MODELS.build(cfg)
    data = model.data_preprocessor(
        _batch(num_clips=2, labelled=[True, False, True]), True)
    gts = torch.stack([s.gt_sem_seg.data for s in data['data_samples']])
    model(**data, mode='loss')
    call = model.neck.calls[-1]
    assert call['num_frames'] == 3
    expected = (gts != 0).float()
    expected[[1, 4]] = 1  # unlabelled frames: ignore_index everywhere
    assert call['gt_masks'].shape == (6, 1, 32, 32)
    torch.testing.assert_close(call['gt_masks'], expected)
    model.eval()
    with torch.no_grad():
        model(**model.data_preprocessor(_batch(num_clips=2), False),
              mode='predict')
    assert model.neck.calls[-1]['gt_masks'] is None


def test_av_losses_get_the_training_logits():
    """extras['seg_logits'] is the head's output on the neck's features,
    with gradient; nothing is written into the data samples."""
    cfg = tiny_model_cfg()
    cfg['av_losses'] = [dict(type='_KeepingLoss')]
    model = MODELS.build(cfg)
    data = model.data_preprocessor(_batch(num_clips=2), True)
    model(**data, mode='loss')
    extras = model.av_losses[0].seen[-1]
    assert {'backbone_feats', 'num_frames', 'seg_logits'} <= set(extras)
    logits = extras['seg_logits']
    assert logits.requires_grad and logits.shape[:2] == (6, 1)
    feats = model.backbone(data['inputs']['frames'])
    audio = model.audio_backbone(data['inputs']['audio'].flatten(0, 1))
    fused, _ = model.neck(feats, audio, 3)
    torch.testing.assert_close(logits, model.decode_head(fused))
    for sample in data['data_samples']:
        assert set(sample.all_keys()) <= {'gt_sem_seg'} | set(
            sample.metainfo_keys())


@MODELS.register_module()
class _PlainNeck(torch.nn.Module):

    def forward(self, feats, audio, num_frames, gt_masks=None):
        return feats


@MODELS.register_module()
class _ListNeck(_ExtrasNeck):

    def forward(self, feats, audio, num_frames, gt_masks=None):
        return feats


def test_neck_contract_is_checked():
    cfg = tiny_model_cfg()
    cfg['neck'] = dict(type='_PlainNeck')
    with pytest.raises(TypeError, match='BaseAVNeck'):
        MODELS.build(cfg)
    cfg['neck'] = dict(type='_ListNeck')
    model = MODELS.build(cfg)
    with pytest.raises(TypeError, match=r'return \(feats, extras'):
        model(**model.data_preprocessor(_batch(), True), mode='loss')
    cfg['neck'] = dict(type='_ExtrasNeck', extras=dict(seg_logits=0))
    model = MODELS.build(cfg)
    with pytest.raises(KeyError, match='reserved'):
        model(**model.data_preprocessor(_batch(), True), mode='loss')


def test_clip_head_gets_the_clip_length():
    """A BaseAVDecodeHead (UncertaintyHead) gets T from the segmentor in
    every mode, also in tensor mode where no metainfo exists."""
    cfg = tiny_model_cfg()
    cfg['decode_head'] = dict(
        type='UncertaintyHead',
        in_channels=(8, 16),
        channels=8,
        temporal_heads=2,
        dropout_ratio=0.0,
        num_classes=2,
        out_channels=1,
        threshold=0.5,
        loss_decode=dict(
            type='CrossEntropyLoss', use_sigmoid=True, avg_non_ignore=True))
    cfg['av_losses'] = [dict(type='_KeepingLoss')]
    model = MODELS.build(cfg)
    data = model.data_preprocessor(_batch(num_clips=2), True)
    loss = model(**data, mode='loss')
    assert {'decode.loss_ce', 'decode.loss_evidential'} <= set(loss)
    # the av losses see the head's output logits (after UE)
    feats = model.backbone(data['inputs']['frames'])
    audio = model.audio_backbone(data['inputs']['audio'].flatten(0, 1))
    fused, _ = model.neck(feats, audio, 3)
    m, u = model.decode_head.decode(fused, 3)
    torch.testing.assert_close(model.av_losses[0].seen[-1]['seg_logits'],
                               model.decode_head.final_logits(m, u))
    model.eval()
    with torch.no_grad():
        tensor = model(**data, mode='tensor')
        feats = model.backbone(data['inputs']['frames'])
        audio = model.audio_backbone(data['inputs']['audio'].flatten(0, 1))
        m, u = model.decode_head.decode(model.neck(feats, audio, 3)[0], 3)
    assert tensor.shape == (6, 1, 16, 16)
    torch.testing.assert_close(tensor, model.decode_head.final_logits(m, u))


def test_postprocess_removes_padding_and_flip():
    from mmseg.structures import SegDataSample
    model = _model().eval()
    logits = torch.arange(2 * 1 * 4 * 6, dtype=torch.float).view(2, 1, 4, 6)
    samples = []
    for flip in (False, True):
        s = SegDataSample()
        s.set_metainfo(dict(ori_shape=(3, 4), img_shape=(3, 4),
                            padding_size=[0, 2, 0, 1], flip=flip,
                            flip_direction='horizontal'))
        samples.append(s)
    out = model.postprocess_result(logits, samples)
    torch.testing.assert_close(out[0].seg_logits.data, logits[0, :, :3, :4])
    torch.testing.assert_close(out[1].seg_logits.data,
                               logits[1, :, :3, :4].flip(-1))
    assert torch.equal(out[1].pred_sem_seg.data,
                       (logits[1, :, :3, :4].flip(-1) > 0).long())


def test_padding_frames_are_zero_after_normalization():
    model = _model()
    batch = _batch(num_clips=2, valid=[True, True, False])
    frames = model.data_preprocessor(batch, training=False)['inputs']['frames']
    assert (frames[[2, 5]] == 0).all()
    assert (frames[[0, 1, 3, 4]] != 0).any(dim=(1, 2, 3)).all()
