# Copyright (c) mmavs contributors. All rights reserved.
import pytest
import torch
import torch.nn.functional as F
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

import mmavs.models  # noqa: F401
from mmavs.registry import MODELS


def _head(out_channels=1, num_classes=2, **kwargs):
    torch.manual_seed(0)
    cfg = dict(
        type='TPAVIHead',
        in_channels=(8, 8, 8, 8),
        channels=4,
        mid_channels=6,
        num_classes=num_classes,
        out_channels=out_channels,
        threshold=0.5 if out_channels == 1 else None,
        loss_decode=dict(
            type='CrossEntropyLoss',
            use_sigmoid=out_channels == 1,
            avg_non_ignore=True))
    cfg.update(kwargs)
    return MODELS.build(cfg)


def _feats(n=2, size=32):
    return [
        torch.randn(n, 8, size // 2**i, size // 2**i) for i in (2, 3, 4, 5)
    ]


def _official_decoder(head, feats):
    """The official path4..path1 + output_conv order, written out.

    The official unit's in-place ReLU rectifies its input before the skip
    connection adds it: relu(x) + conv2(relu(conv1(relu(x)))).
    """

    def rcu(unit, x):
        x = F.relu(x)
        return unit.conv2(F.relu(unit.conv1(x))) + x

    def ffb(block, x, skip=None):
        if skip is not None:
            x = x + rcu(block.res_conv_unit1, skip)
        x = rcu(block.res_conv_unit2, x)
        return F.interpolate(
            x, scale_factor=2, mode='bilinear', align_corners=True)

    x = ffb(head.paths[3], feats[3])
    x = ffb(head.paths[2], x, feats[2])
    x = ffb(head.paths[1], x, feats[1])
    x = ffb(head.paths[0], x, feats[0])
    x = F.interpolate(head.out_conv1(x), scale_factor=2, mode='bilinear')
    return head.conv_seg(F.relu(head.out_conv2(x)))


def test_head_matches_official_decoder_and_input_size():
    head = _head()
    feats = _feats()
    logits = head(feats)
    assert logits.shape == (2, 1, 32, 32)  # stride-4 stage 1 -> input size
    torch.testing.assert_close(logits, _official_decoder(head, feats))


def test_head_loss_ignores_unlabelled():
    head = _head()
    samples = []
    for i in range(2):
        s = SegDataSample(metainfo=dict(img_shape=(32, 32)))
        gt = torch.randint(0, 2, (1, 32, 32))
        if i == 1:
            gt[:] = 255
        s.gt_sem_seg = PixelData(data=gt)
        samples.append(s)
    feats = _feats()
    losses = head.loss(feats, samples, dict())
    logits = head(feats)
    ref = F.binary_cross_entropy_with_logits(
        logits[0, 0], samples[0].gt_sem_seg.data[0].float())
    torch.testing.assert_close(losses['loss_ce'], ref)
    # the head writes nothing into the data samples (the training logits
    # reach the audio-visual losses through the segmentor's extras, see
    # test_av_encoder_decoder.py::test_av_losses_get_the_training_logits)
    assert 'train_seg_logits' not in samples[0]


def test_semantic_head():
    head = _head(out_channels=5, num_classes=5)
    assert head(_feats(n=1)).shape == (1, 5, 32, 32)
    with pytest.raises(ValueError, match='equal width'):
        _head(in_channels=(8, 8, 8, 16))
