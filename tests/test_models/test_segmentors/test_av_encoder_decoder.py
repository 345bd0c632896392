# Copyright (c) mmavs contributors. All rights reserved.
import pytest
import torch
from mmengine.registry import init_default_scope

import mmavs.models  # noqa: F401
from mmavs.datasets.collate import av_collate
from mmavs.datasets.transforms.formatting import PackAVSInputs
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
class _ExtrasNeck(torch.nn.Module):

    def forward(self, feats, audio, num_frames):
        return feats, dict(probe=torch.tensor(float(num_frames)))


def test_neck_extras_reach_av_losses():
    cfg = tiny_model_cfg()
    cfg['neck'] = dict(type='_ExtrasNeck')
    cfg['av_losses'] = [dict(type='_RecordingLoss')]
    model = MODELS.build(cfg)
    loss = model(**model.data_preprocessor(_batch(num_clips=2), True),
                 mode='loss')
    assert loss['loss_probe'].item() == 6 + 3


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
