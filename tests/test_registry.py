# Copyright (c) mmavs contributors. All rights reserved.
import pytest
from mmcv.transforms import LoadImageFromFile
from mmengine.registry import init_default_scope

from mmavs.registry import FUNCTIONS, METRICS, MODELS, TRANSFORMS
from mmavs.utils import register_all_modules


def setup_module():
    register_all_modules()
    init_default_scope('mmavs')


def test_mmavs_and_mmseg_parts_are_found_unprefixed():
    assert MODELS.scope == 'mmavs'
    assert MODELS.get('AVEncoderDecoder').__module__.startswith('mmavs.')
    assert MODELS.get('MixVisionTransformer').__module__.startswith('mmseg.')
    assert MODELS.get('CrossEntropyLoss').__module__.startswith('mmseg.')
    assert TRANSFORMS.get('PackAVSInputs').__module__.startswith('mmavs.')
    # found in the root registry (mmcv), through mmseg's
    assert TRANSFORMS.get('LoadImageFromFile') is LoadImageFromFile
    assert METRICS.get('IoUMetric').__module__.startswith('mmseg.')
    assert MODELS.build(dict(type='DiceLoss')).__class__.__name__ == 'DiceLoss'


def test_collate_function_is_found_with_the_scope_prefix():
    from mmengine.registry import FUNCTIONS as ROOT_FUNCTIONS
    from mmavs.datasets.collate import av_collate
    assert ROOT_FUNCTIONS.get('mmavs.av_collate') is av_collate
    assert FUNCTIONS.get('av_collate') is av_collate


def test_unknown_type_names_the_type():
    with pytest.raises(KeyError, match='NoSuchBackbone'):
        MODELS.build(dict(type='NoSuchBackbone'))
