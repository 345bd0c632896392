# Copyright (c) mmavs contributors. All rights reserved.
"""Every tensor of an official checkpoint lands at the right mmavs key.

The official key names and shapes come from the committed key lists in
``tests/data/parity`` (written from the official model definitions by
``tools/model_converters/official_parity.py``), not from the converters'
rules. Every official tensor gets its own constant value (1, 2, 3, ...), so
a tensor that lands at another key of the same shape (a reversed stage
order, swapped units) is caught; where each must land is written out below
by hand from the two model definitions.
"""
import os.path as osp
import sys

import pytest
import torch

from mmavs.models.audio_backbones import VGGish
from mmavs.testing import repo_root
from mmavs.testing.parity import distinct_state_dict, read_key_list
from mmavs.testing.tools import load_tool_module

DATA = osp.join(repo_root(), 'tests', 'data', 'parity')


def _load_tool(name):
    return load_tool_module(f'tools/model_converters/{name}.py')


# official AVSBench Pred_endecoder (avs_scripts/*/model/*_AVSModel.py)
# prefix -> mmavs TPAVI model prefix (None: not used by the model)
AVSBENCH_PREFIXES = [
    # ResNet_AVSModel: B2_ResNet, whose layer3_2/layer4_2 branch is unused
    ('resnet.layer3_2.', None),
    ('resnet.layer4_2.', None),
    ('resnet.layer3_1.', 'backbone.layer3.'),
    ('resnet.layer4_1.', 'backbone.layer4.'),
    ('resnet.', 'backbone.'),
    # PVT_AVSModel: official pvt_v2_b5 -> timm pvt_v2_b5 (features_only)
    ('encoder_backbone.patch_embed1.', 'backbone.timm_model.patch_embed.'),
    ('encoder_backbone.patch_embed2.',
     'backbone.timm_model.stages_1.downsample.'),
    ('encoder_backbone.patch_embed3.',
     'backbone.timm_model.stages_2.downsample.'),
    ('encoder_backbone.patch_embed4.',
     'backbone.timm_model.stages_3.downsample.'),
    ('encoder_backbone.block1.', 'backbone.timm_model.stages_0.blocks.'),
    ('encoder_backbone.block2.', 'backbone.timm_model.stages_1.blocks.'),
    ('encoder_backbone.block3.', 'backbone.timm_model.stages_2.blocks.'),
    ('encoder_backbone.block4.', 'backbone.timm_model.stages_3.blocks.'),
    ('encoder_backbone.norm1.', 'backbone.timm_model.stages_0.norm.'),
    ('encoder_backbone.norm2.', 'backbone.timm_model.stages_1.norm.'),
    ('encoder_backbone.norm3.', 'backbone.timm_model.stages_2.norm.'),
    ('encoder_backbone.norm4.', 'backbone.timm_model.stages_3.norm.'),
    # conv{k}: the ASPP of backbone stage k-1
    ('conv1.', 'neck.aspp.0.'),
    ('conv2.', 'neck.aspp.1.'),
    ('conv3.', 'neck.aspp.2.'),
    ('conv4.', 'neck.aspp.3.'),
    # tpavi_b{k}: the TPAVI block of stage k-1
    ('tpavi_b1.', 'neck.tpavi.0.'),
    ('tpavi_b2.', 'neck.tpavi.1.'),
    ('tpavi_b3.', 'neck.tpavi.2.'),
    ('tpavi_b4.', 'neck.tpavi.3.'),
    # path{k}: the fusion block of stage k-1; resConfUnit1 refines the
    # skip feature, resConfUnit2 the sum
    ('path1.resConfUnit1.', 'decode_head.paths.0.res_conv_unit1.'),
    ('path1.resConfUnit2.', 'decode_head.paths.0.res_conv_unit2.'),
    ('path2.resConfUnit1.', 'decode_head.paths.1.res_conv_unit1.'),
    ('path2.resConfUnit2.', 'decode_head.paths.1.res_conv_unit2.'),
    ('path3.resConfUnit1.', 'decode_head.paths.2.res_conv_unit1.'),
    ('path3.resConfUnit2.', 'decode_head.paths.2.res_conv_unit2.'),
    ('path4.resConfUnit1.', 'decode_head.paths.3.res_conv_unit1.'),
    ('path4.resConfUnit2.', 'decode_head.paths.3.res_conv_unit2.'),
    # output_conv: conv 256->128, upsample, conv 128->32, ReLU, conv 32->C
    ('output_conv.0.', 'decode_head.out_conv1.'),
    ('output_conv.2.', 'decode_head.out_conv2.'),
    ('output_conv.4.', 'decode_head.conv_seg.'),
]


def _expected_avsbench_key(key):
    for old, new in AVSBENCH_PREFIXES:
        if key.startswith(old):
            if new is None:
                return None
            # timm's PVT-v2 Mlp holds the depthwise conv directly
            return (new + key[len(old):]).replace('.mlp.dwconv.dwconv.',
                                                  '.mlp.dwconv.')
    raise AssertionError(f'test table lacks official key {key}')


def _mmavs_shapes(config, folder='tpavi', with_audio=False):
    """Key -> shape of the mmavs model of ``configs/{folder}/{config}``
    (without the audio backbone unless ``with_audio``)."""
    from mmengine.config import Config

    from mmavs.registry import MODELS
    from mmavs.utils import register_all_modules
    register_all_modules()
    cfg = Config.fromfile(osp.join(repo_root(), 'configs', folder, config))
    with torch.device('meta'):  # shapes only, no weight initialisation
        model_sd = MODELS.build(cfg.model).state_dict()
    return {
        k: tuple(v.shape)
        for k, v in model_sd.items()
        if with_audio or not k.startswith('audio_backbone.')
    }


def _assert_every_tensor_in_place(convert, specs, expected_key, shapes):
    """``convert`` a DataParallel state dict (``module.`` prefix) whose
    tensors hold distinct values: each lands at ``expected_key(key)`` (None:
    dropped), and the result has exactly the keys and shapes ``shapes``."""
    official = distinct_state_dict(specs, prefix='module.')
    converted = convert(official)
    expected = {}
    for key, _, _ in specs:
        new = expected_key(key)
        if new is not None:
            assert new not in expected, f'{key} and {expected[new]} -> {new}'
            expected[new] = key
    assert set(converted) == set(expected)
    for new, key in expected.items():
        assert torch.equal(converted[new], official['module.' + key]), \
            f'{new} should hold official {key}'
    # and that is exactly what the mmavs model of the config holds
    assert set(converted) == set(shapes)
    for k, v in converted.items():
        assert tuple(v.shape) == shapes[k], k


@pytest.mark.parametrize('task,backbone,config', [
    ('s4', 'r50', 'tpavi_r50_1xb4-15e_s4-224x224.py'),
    ('s4', 'pvt-v2-b5', 'tpavi_pvt-v2-b5_1xb4-15e_s4-224x224.py'),
    ('s4', 'r50', 'tpavi_r50_1xb4-30e_ms3-224x224.py'),  # MS3 = S4 model
    ('avss', 'r50', 'tpavi_r50_1xb4-60e_avss-224x224.py'),
    ('avss', 'pvt-v2-b5', 'tpavi_pvt-v2-b5_1xb4-60e_avss-224x224.py'),
])
def test_avsbench2mmavs_puts_every_tensor_in_place(task, backbone, config):
    tool = _load_tool('avsbench2mmavs')
    specs = read_key_list(
        osp.join(DATA, f'avsbench_{task}_{backbone}.keys.txt'))
    _assert_every_tensor_in_place(tool.convert_avsbench, specs,
                                  _expected_avsbench_key,
                                  _mmavs_shapes(config))
    with pytest.raises(KeyError, match='no mmavs counterpart'):
        tool.convert_avsbench({'classifier.weight': torch.zeros(1)})


def test_pvt_imagenet_weights_go_to_the_timm_backbone():
    tool = _load_tool('avsbench2mmavs')
    specs = [(k[len('encoder_backbone.'):], d, s) for k, d, s in
             read_key_list(osp.join(DATA, 'avsbench_s4_pvt-v2-b5.keys.txt'))
             if k.startswith('encoder_backbone.')]
    # the ImageNet pvt_v2_b5.pth: the same names plus the classifier head
    imagenet = distinct_state_dict(specs + [('head.weight', torch.float32,
                                   (1000, 512)),
                                  ('head.bias', torch.float32, (1000, ))])
    init = tool.convert_pvt_imagenet(imagenet)
    expected = {
        _expected_avsbench_key('encoder_backbone.' + k)[len('backbone.'):]: k
        for k, _, _ in specs
    }
    assert set(init) == set(expected)
    for new, key in expected.items():
        assert torch.equal(init[new], imagenet[key]), new
    shapes = _mmavs_shapes('tpavi_pvt-v2-b5_1xb4-15e_s4-224x224.py')
    assert {'backbone.' + k for k in init} == {
        k for k in shapes if k.startswith('backbone.')
    }


def test_vggish2mmavs_puts_every_tensor_in_place(tmp_path, monkeypatch):
    tool = _load_tool('vggish2mmavs')
    specs = read_key_list(osp.join(DATA, 'torchvggish.keys.txt'))
    official = distinct_state_dict(specs)
    # the PCA parameters of torchvggish's Postprocessor are dropped
    official['pca_eigen_vectors'] = torch.zeros(128, 128)
    official['pca_means'] = torch.zeros(128, 1)
    src, dst = tmp_path / 'vggish.pth', tmp_path / 'vggish_mmavs.pth'
    torch.save(official, src)
    monkeypatch.setattr(sys, 'argv', ['vggish2mmavs.py', str(src), str(dst)])
    tool.main()
    model = VGGish(init_cfg=dict(type='Pretrained', checkpoint=str(dst)))
    model.init_weights()
    # mmavs's VGGish keeps torchvggish's module names (features.N: the
    # convolutions, embeddings.N: the fully connected layers)
    own = model.state_dict()
    assert set(own) == {k for k, _, _ in specs}
    for key, _, _ in specs:
        assert torch.equal(own[key], official[key].float()), key
    prefixed = tool.convert_vggish(official, prefix='audio_backbone.')
    assert set(prefixed) == {'audio_backbone.' + k for k, _, _ in specs}
    bad = dict(official)
    bad['embeddings.0.weight'] = torch.zeros(4096, 512 * 24 + 1)
    with pytest.raises(ValueError, match='embeddings.0.weight'):
        tool.convert_vggish(bad)
    with pytest.raises(KeyError, match='features.0.bias'):
        tool.convert_vggish(
            {'features.0.weight': official['features.0.weight']})


# official AVSegFormer (vvvb-github/AVSegFormer model/) prefix -> mmavs
# prefix (None: built but never used by the official forward)
AVSEGFORMER_PREFIXES = [
    # B2_ResNet: branch 1 only
    ('backbone.layer3_2.', None),
    ('backbone.layer4_2.', None),
    ('backbone.layer3_1.', 'backbone.layer3.'),
    ('backbone.layer4_1.', 'backbone.layer4.'),
    ('backbone.conv1.', 'backbone.conv1.'),
    ('backbone.bn1.', 'backbone.bn1.'),
    ('backbone.layer1.', 'backbone.layer1.'),
    ('backbone.layer2.', 'backbone.layer2.'),
    ('vggish.', 'audio_backbone.'),
    # AVSegFormer.audio_proj: VGGish 128 -> 256
    ('audio_proj.', 'neck.audio_proj.'),
    # AttentionGenerator.query and AVSegHead.learnable_query
    ('head.query_generator.query.', 'neck.query_generator.query_embed.'),
    ('head.learnable_query.', 'neck.query_generator.learnable_query.'),
    ('head.level_embed', 'neck.level_embed'),
    # in_proj / lateral_conv / out_conv: Sequential(conv, GroupNorm[, ReLU])
    ('head.in_proj.0.0.', 'neck.in_proj.0.conv.'),
    ('head.in_proj.0.1.', 'neck.in_proj.0.gn.'),
    ('head.in_proj.1.0.', 'neck.in_proj.1.conv.'),
    ('head.in_proj.1.1.', 'neck.in_proj.1.gn.'),
    ('head.in_proj.2.0.', 'neck.in_proj.2.conv.'),
    ('head.in_proj.2.1.', 'neck.in_proj.2.gn.'),
    ('head.in_proj.3.0.', 'neck.in_proj.3.conv.'),
    ('head.in_proj.3.1.', 'neck.in_proj.3.gn.'),
    ('head.lateral_conv.0.', 'neck.lateral_conv.conv.'),
    ('head.lateral_conv.1.', 'neck.lateral_conv.gn.'),
    ('head.out_conv.0.', 'neck.out_conv.conv.'),
    ('head.out_conv.1.', 'neck.out_conv.gn.'),
    # CrossModalMixer
    ('head.fusion_block.', 'neck.mixer.'),
    # MLP: three 1x1 convs; fc: conv, Interpolate, conv, ReLU, conv
    ('head.mlp.layers.0.', 'decode_head.mlp.0.conv.'),
    ('head.mlp.layers.1.', 'decode_head.mlp.1.conv.'),
    ('head.mlp.layers.2.', 'decode_head.mlp.2.'),
    ('head.fc.0.', 'decode_head.fc_conv1.'),
    ('head.fc.2.', 'decode_head.fc_conv2.conv.'),
    ('head.fc.4.', 'decode_head.conv_seg.'),
    ('head.attn_fc.', None),
    ('head.fpn.', None),
]
# the three stacks of transformer layers
AVSEGFORMER_LAYER_STACKS = [
    ('head.query_generator.layers.', 'neck.query_generator.layers.'),
    ('head.transformer.encoder.layers.', 'neck.encoder.layers.'),
    ('head.transformer.decoder.layers.', 'decode_head.decoder.'),
]
# inside a layer: official module -> mmcv BaseTransformerLayer module
AVSEGFORMER_IN_LAYER = [
    # MSDeformAttn (encoder) = mmcv MultiScaleDeformableAttention
    ('self_attn.sampling_offsets.', 'attentions.0.sampling_offsets.'),
    ('self_attn.attention_weights.', 'attentions.0.attention_weights.'),
    ('self_attn.value_proj.', 'attentions.0.value_proj.'),
    ('self_attn.output_proj.', 'attentions.0.output_proj.'),
    # nn.MultiheadAttention inside mmcv's MultiheadAttention (.attn)
    ('self_attn.', 'attentions.0.attn.'),
    ('cross_attn.', 'attentions.1.attn.'),
    # FFN: linear1 / ffn.0 -> GELU -> linear2 / ffn.2
    ('linear1.', 'ffns.0.layers.0.0.'),
    ('ffn.0.', 'ffns.0.layers.0.0.'),
    ('linear2.', 'ffns.0.layers.1.'),
    ('ffn.2.', 'ffns.0.layers.1.'),
    ('norm1.', 'norms.0.'),
    ('norm2.', 'norms.1.'),
    ('norm3.', 'norms.2.'),
]


def _expected_avsegformer_key(key):
    for old, new in AVSEGFORMER_LAYER_STACKS:
        if key.startswith(old):
            index, rest = key[len(old):].split('.', 1)
            for o, n in AVSEGFORMER_IN_LAYER:
                if rest.startswith(o):
                    return f'{new}{index}.{n}{rest[len(o):]}'
            raise AssertionError(f'test table lacks layer key {key}')
    for old, new in AVSEGFORMER_PREFIXES:
        if key.startswith(old):
            return None if new is None else new + key[len(old):]
    if key.startswith('backbone.'):  # PVT-v2: as in AVSBench
        return _expected_avsbench_key('encoder_backbone.' +
                                      key[len('backbone.'):])
    raise AssertionError(f'test table lacks official key {key}')


@pytest.mark.parametrize('task,backbone,config', [
    ('s4', 'r50', 'avsegformer_r50_1xb2-30e_s4-512x512.py'),
    ('s4', 'pvt-v2-b5', 'avsegformer_pvt-v2-b5_1xb2-30e_s4-512x512.py'),
    ('s4', 'pvt-v2-b5',
     'avsegformer_pvt-v2-b5_1xb2-60e_ms3-512x512.py'),  # MS3 = S4 model
    ('avss', 'r50', 'avsegformer_r50_1xb4-30e_avss-224x224.py'),
    ('avss', 'pvt-v2-b5', 'avsegformer_pvt-v2-b5_1xb4-30e_avss-224x224.py'),
])
def test_avsegformer2mmavs_puts_every_tensor_in_place(task, backbone, config):
    tool = _load_tool('avsegformer2mmavs')
    specs = read_key_list(
        osp.join(DATA, f'avsegformer_{task}_{backbone}.keys.txt'))
    # the official checkpoints hold the VGGish weights too
    _assert_every_tensor_in_place(
        tool.convert_avsegformer, specs, _expected_avsegformer_key,
        _mmavs_shapes(config, 'avsegformer', with_audio=True))


def test_avsegformer2mmavs_robust_key_cli_and_errors(tmp_path, monkeypatch):
    tool = _load_tool('avsegformer2mmavs')
    # AVSBench-Robust's AVSegFormer_robust: CosineModule.audio_proj is the
    # projection of the configs' AVSimilarityLoss (av_losses.1)
    official = {
        'audio_proj.weight': torch.ones(256, 128),
        'cosine_sim.audio_proj.weight': torch.full((512, 256), 2.),
        'cosine_sim.audio_proj.bias': torch.full((512, ), 3.),
    }
    src, dst = tmp_path / 'robust.pth', tmp_path / 'robust_mmavs.pth'
    torch.save(official, src)
    monkeypatch.setattr(sys, 'argv',
                        ['avsegformer2mmavs.py',
                         str(src), str(dst)])
    tool.main()
    out = torch.load(dst, weights_only=True)['state_dict']
    assert set(out) == {
        'neck.audio_proj.weight', 'av_losses.1.audio_proj.weight',
        'av_losses.1.audio_proj.bias'
    }
    assert torch.equal(out['av_losses.1.audio_proj.bias'],
                       official['cosine_sim.audio_proj.bias'])
    assert 'av_losses.0.audio_proj.bias' in tool.convert_avsegformer(
        official, similarity_index=0)
    with pytest.raises(KeyError, match='head.transformer.encoder.layers.0.'
                       'bogus.weight'):
        tool.convert_avsegformer(
            {'head.transformer.encoder.layers.0.bogus.weight': torch.ones(1)})
    with pytest.raises(KeyError, match='no mmavs counterpart'):
        tool.convert_avsegformer({'classifier.weight': torch.zeros(1)})
