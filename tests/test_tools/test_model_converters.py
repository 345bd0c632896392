# Copyright (c) mmavs contributors. All rights reserved.
import importlib.util
import sys

import pytest
import torch

from mmavs.models.audio_backbones import VGGish
import os.path as osp

from mmavs.testing import repo_root


def _load_tool(name):
    path = osp.join(repo_root(), 'tools', 'model_converters', f'{name}.py')
    spec = importlib.util.spec_from_file_location(f'_tool_{name}', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _torchvggish_state_dict():
    """The public vggish-10086976.pth layout (+ PCA params) with random
    values: features.{0,3,6,8,11,13}, embeddings.{0,2,4}."""
    g = torch.Generator().manual_seed(0)
    convs = [(0, 1, 64), (3, 64, 128), (6, 128, 256), (8, 256, 256),
             (11, 256, 512), (13, 512, 512)]
    sd = {}
    for i, cin, cout in convs:
        sd[f'features.{i}.weight'] = torch.randn(
            cout, cin, 3, 3, generator=g) * 0.05
        sd[f'features.{i}.bias'] = torch.randn(cout, generator=g) * 0.01
    for i, (cin, cout) in zip((0, 2, 4), [(12288, 4096), (4096, 4096),
                                          (4096, 128)]):
        # distinct rows (cheaper than 66 M random numbers)
        sd[f'embeddings.{i}.weight'] = torch.linspace(
            -0.01, 0.01, cout)[:, None].expand(cout, cin).contiguous()
        sd[f'embeddings.{i}.bias'] = torch.randn(cout, generator=g) * 0.01
    sd['pca_eigen_vectors'] = torch.eye(128)
    sd['pca_means'] = torch.zeros(128, 1)
    return sd


def test_vggish2mmavs_loads_public_names(tmp_path, monkeypatch):
    tool = _load_tool('vggish2mmavs')
    src, dst = tmp_path / 'vggish.pth', tmp_path / 'vggish_mmavs.pth'
    sd = _torchvggish_state_dict()
    torch.save(sd, src)
    monkeypatch.setattr(sys, 'argv', ['vggish2mmavs.py', str(src), str(dst)])
    tool.main()
    model = VGGish(init_cfg=dict(type='Pretrained', checkpoint=str(dst)))
    model.init_weights()
    torch.testing.assert_close(model.embeddings[0].weight,
                               sd['embeddings.0.weight'])
    torch.testing.assert_close(model.features[13].bias, sd['features.13.bias'])
    bad = dict(sd)
    bad['embeddings.0.weight'] = torch.zeros(4096, 512 * 24 + 1)
    with pytest.raises(ValueError, match='embeddings.0.weight'):
        tool.convert_vggish(bad)
    with pytest.raises(KeyError, match='features.0.bias'):
        tool.convert_vggish({'features.0.weight': sd['features.0.weight']})


def _official_keys(backbone):
    """Key names and shapes of an official AVSBench Pred_endecoder (built
    from its module structure: ResNet_AVSModel.py / PVT_AVSModel.py)."""
    keys = {}
    if backbone == 'resnet':
        import torchvision
        r50 = torchvision.models.resnet50().state_dict()
        for k, v in r50.items():
            if k.startswith('fc.'):
                continue
            for src, dsts in (('layer3.', ('layer3_1.', 'layer3_2.')),
                              ('layer4.', ('layer4_1.', 'layer4_2.'))):
                if k.startswith(src):
                    for d in dsts:
                        shape = v.shape
                        if d == 'layer3_2.' and k.startswith(
                            ('layer3.0.conv1', 'layer3.0.downsample.0')):
                            shape = (v.shape[0], 512, *v.shape[2:])
                        keys['resnet.' + d + k[len(src):]] = shape
                    break
            else:
                keys['resnet.' + k] = v.shape
        vis = (256, 512, 1024, 2048)
    else:
        import timm
        vis = (64, 128, 320, 512)
        with torch.device('meta'):
            tm = timm.create_model('pvt_v2_b5', features_only=True)
        for k, v in tm.state_dict().items():
            # timm -> official names (inverse of the converter's rules)
            if k.startswith('patch_embed.'):
                k = 'patch_embed1.' + k[len('patch_embed.'):]
            else:
                stage = int(k[len('stages_')])
                rest = k[len('stages_0.'):]
                if rest.startswith('downsample.'):
                    k = f'patch_embed{stage + 1}.' + rest[len('downsample.'):]
                elif rest.startswith('norm.'):
                    k = f'norm{stage + 1}.' + rest[len('norm.'):]
                else:
                    rest = rest[len('blocks.'):].replace(
                        'mlp.dwconv.', 'mlp.dwconv.dwconv.')
                    k = f'block{stage + 1}.' + rest
            keys['encoder_backbone.' + k] = v.shape
    for i, c in enumerate(vis):
        for j in range(4):
            keys[f'conv{i + 1}.conv2d_list.{j}.weight'] = (256, c, 3, 3)
            keys[f'conv{i + 1}.conv2d_list.{j}.bias'] = (256, )
        for u in (1, 2):
            for m in (1, 2):
                keys[f'path{i + 1}.resConfUnit{u}.conv{m}.weight'] = (256, 256,
                                                                      3, 3)
                keys[f'path{i + 1}.resConfUnit{u}.conv{m}.bias'] = (256, )
        p = f'tpavi_b{i + 1}.'
        keys.update({
            p + 'align_channel.weight': (256, 128),
            p + 'align_channel.bias': (256, ),
            p + 'norm_layer.weight': (256, ),
            p + 'norm_layer.bias': (256, ),
            p + 'W_z.0.weight': (256, 128, 1, 1, 1),
            p + 'W_z.0.bias': (256, ),
            p + 'W_z.1.weight': (256, ),
            p + 'W_z.1.bias': (256, ),
            p + 'W_z.1.running_mean': (256, ),
            p + 'W_z.1.running_var': (256, ),
            p + 'W_z.1.num_batches_tracked': (),
        })
        for n in ('g', 'theta', 'phi'):
            keys[p + n + '.weight'] = (128, 256, 1, 1, 1)
            keys[p + n + '.bias'] = (128, )
    keys.update({
        'output_conv.0.weight': (128, 256, 3, 3),
        'output_conv.0.bias': (128, ),
        'output_conv.2.weight': (32, 128, 3, 3),
        'output_conv.2.bias': (32, ),
        'output_conv.4.weight': (1, 32, 1, 1),
        'output_conv.4.bias': (1, ),
    })
    return keys


@pytest.mark.parametrize('backbone,config', [
    ('resnet', 'tpavi_r50_1xb4-15e_s4-224x224.py'),
    ('pvt', 'tpavi_pvt-v2-b5_1xb4-15e_s4-224x224.py'),
])
def test_avsbench2mmavs_maps_every_official_key(backbone, config):
    from mmengine.config import Config

    from mmavs.registry import MODELS
    from mmavs.utils import register_all_modules
    register_all_modules()
    tool = _load_tool('avsbench2mmavs')
    official = {
        'module.' + k:
        torch.full(tuple(s), float(i % 7), dtype=torch.float32)
        if len(s) else torch.tensor(3)
        for i, (k, s) in enumerate(_official_keys(backbone).items())
    }
    converted = tool.convert_avsbench(official)
    cfg = Config.fromfile(osp.join(repo_root(), 'configs', 'tpavi', config))
    with torch.device('meta'):  # shapes only, no weight initialisation
        model_sd = MODELS.build(cfg.model).state_dict()
    target = {
        k: v
        for k, v in model_sd.items() if not k.startswith('audio_backbone.')
    }
    assert set(converted) == set(target)
    for k, v in converted.items():
        assert v.shape == target[k].shape, k
    assert 'neck.tpavi.3.W_z.1.weight' in converted
    torch.testing.assert_close(converted['decode_head.conv_seg.weight'],
                               official['module.output_conv.4.weight'])
    with pytest.raises(KeyError, match='no mmavs counterpart'):
        tool.convert_avsbench({'classifier.weight': torch.zeros(1)})
    if backbone == 'pvt':
        # the ImageNet pvt_v2_b5.pth (official names + head) for init_cfg
        imagenet = {
            k[len('module.encoder_backbone.'):]: v
            for k, v in official.items() if 'encoder_backbone.' in k
        }
        imagenet['head.weight'] = torch.zeros(1000, 512)
        init = tool.convert_pvt_imagenet(imagenet)
        assert set(init) == {
            k[len('backbone.'):]
            for k in target if k.startswith('backbone.')
        }
