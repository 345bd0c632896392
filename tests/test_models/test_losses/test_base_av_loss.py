# Copyright (c) mmavs contributors. All rights reserved.
"""BaseAVLoss: the helpers every audio-visual loss shares."""
import pytest
import torch
from mmseg.structures import SegDataSample

from mmavs.models.losses import BaseAVLoss


def test_require_names_the_missing_key_and_its_provider():
    BaseAVLoss.require(dict(a=1, b=2), ('a', 'b'), 'MyLoss', 'the neck')
    with pytest.raises(KeyError) as err:
        BaseAVLoss.require(dict(a=1, z=0), ('a', 'b'), 'MyLoss', 'the neck')
    text = str(err.value)
    assert "MyLoss needs extras['b'] from the neck" in text
    assert "['a', 'z']" in text


def test_valid_frames():
    samples = [
        SegDataSample(metainfo=dict(valid=v)) for v in (True, False, True)
    ] + [SegDataSample()]
    assert BaseAVLoss.valid_frames(samples).tolist() == [
        True, False, True, True
    ]
    assert BaseAVLoss.valid_frames(samples).dtype == torch.bool
