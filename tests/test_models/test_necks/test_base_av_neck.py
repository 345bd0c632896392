# Copyright (c) mmavs contributors. All rights reserved.
"""BaseAVNeck: the input selection every neck shares."""
import pytest
import torch

from mmavs.models.necks import BaseAVNeck


class _Neck(BaseAVNeck):

    def forward(self, feats, audio_feat, num_frames, gt_masks=None):
        return self.select_inputs(feats), {}


def test_select_inputs_by_in_index():
    feats = [torch.full((1, c, 2, 2), float(c)) for c in (1, 2, 3, 4)]
    neck = _Neck(in_channels=(2, 4), in_index=(1, 3))
    out, extras = neck(feats, None, 1)
    assert [int(f[0, 0, 0, 0]) for f in out] == [2, 4] and extras == {}
    assert _Neck(in_channels=(1, 2, 3, 4))(feats, None, 1)[0] == feats


def test_errors_name_the_neck():
    feats = [torch.zeros(1, 1, 2, 2)] * 2
    with pytest.raises(ValueError, match='_Neck: in_index .* differ'):
        _Neck(in_channels=(1, 1), in_index=(0, ))
    with pytest.raises(ValueError, match=r'_Neck: in_index \[0, 5\] out of'):
        _Neck(in_channels=(1, 1), in_index=(0, 5))(feats, None, 1)
    with pytest.raises(ValueError, match='_Neck has 3 stages.*got 2'):
        _Neck(in_channels=(1, 1, 1))(feats, None, 1)
    with pytest.raises(TypeError, match='abstract'):
        BaseAVNeck(in_channels=(1, ))
