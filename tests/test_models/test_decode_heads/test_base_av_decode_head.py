# Copyright (c) mmavs contributors. All rights reserved.
"""BaseAVDecodeHead: the clip length and the logits of a clip-aware head."""
import pytest
import torch
import torch.nn.functional as F
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from mmavs.models.decode_heads import BaseAVDecodeHead


class _ClipMean(BaseAVDecodeHead):
    """Logits: each frame minus the mean of its clip; also returns T."""

    def forward(self, inputs, num_frames=None):
        x = inputs[0]
        t = self.clip_length(x.shape[0], num_frames)
        clips = x.view(-1, t, *x.shape[1:])
        return (clips - clips.mean(1, keepdim=True)).flatten(0, 1), t

    def seg_logits(self, outputs):
        return outputs[0]

    def loss_by_feat(self, seg_logits, batch_data_samples):
        return super().loss_by_feat(self.seg_logits(seg_logits),
                                    batch_data_samples)


def _head(**kwargs):
    return _ClipMean(
        in_channels=1,
        channels=1,
        num_classes=2,
        out_channels=1,
        threshold=0.5,
        loss_decode=dict(
            type='CrossEntropyLoss', use_sigmoid=True, avg_non_ignore=True),
        **kwargs)


def test_clip_length_precedence():
    head = _head(num_frames=3)
    assert head.clip_length(6) == 3
    assert head.clip_length(6, None, [dict(num_frames=2)]) == 2
    assert head.clip_length(6, 6, [dict(num_frames=2)]) == 6
    with pytest.raises(ValueError, match='multiple of num_frames=4'):
        head.clip_length(6, 4)
    with pytest.raises(ValueError, match='_ClipMean needs the clip length'):
        _head().clip_length(6)


def test_predict_and_loss_read_the_clip_length_from_the_metainfo():
    head = _head()
    x = torch.arange(4.).view(4, 1, 1, 1).expand(4, 1, 2, 2).contiguous()
    metas = [dict(num_frames=2, img_shape=(2, 2))] * 4
    pred = head.predict([x], metas, {})
    # clips (0, 1) and (2, 3): each frame minus its clip mean
    expected = torch.tensor([-0.5, 0.5, -0.5, 0.5]).view(4, 1, 1, 1)
    torch.testing.assert_close(pred, expected.expand(4, 1, 2, 2))
    samples = []
    for m in metas:
        s = SegDataSample(metainfo=m)
        s.gt_sem_seg = PixelData(data=torch.ones(1, 2, 2, dtype=torch.long))
        samples.append(s)
    loss = head.loss([x], samples, {})['loss_ce']
    ref = F.binary_cross_entropy_with_logits(
        expected.expand(4, 1, 2, 2)[:, 0], torch.ones(4, 2, 2))
    torch.testing.assert_close(loss, ref)
