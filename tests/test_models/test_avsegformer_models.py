# Copyright (c) mmavs contributors. All rights reserved.
"""AVSegFormer: official checkpoint keys, golden official logits, configs."""
import importlib.util
import os.path as osp
import re
import sys

import pytest
import torch
from mmengine.config import Config

from mmavs.registry import MODELS
from mmavs.testing import (audio_input_shape, deterministic_state_dict,
                           read_key_list, repo_root, synthetic_av_batch)
from mmavs.utils import register_all_modules

register_all_modules()

DATA = osp.join(repo_root(), 'tests', 'data', 'avsegformer')
CONFIGS = dict(
    pvt2='avsegformer_pvt-v2-b5_1xb2-30e_s4-512x512.py',
    res50='avsegformer_r50_1xb2-30e_s4-512x512.py')
DROPPED = re.compile(r'^head\.(attn_fc|fpn)\.|^backbone\.layer[34]_2\.')


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def converter():
    return _load(
        osp.join(repo_root(), 'tools', 'model_converters',
                 'avsegformer2mmavs.py'), '_avsegformer2mmavs')


def _cfg(name):
    return Config.fromfile(
        osp.join(repo_root(), 'configs', 'avsegformer', name))


def _meta_state_dict(cfg):
    with torch.device('meta'):
        return MODELS.build(cfg.model).state_dict()


def _indexed(rows):
    """Each official tensor filled with its own index (zero-copy views)."""
    return {
        key: torch.tensor(i, dtype=getattr(torch, dtype)).expand(shape)
        for i, (key, shape, dtype) in enumerate(rows)
    }


def _value(tensor):
    return tensor[(0, ) * tensor.dim()].item()


# official key -> mmavs key, written by hand from the two models' code
SPOT_CHECKS = {
    'audio_proj.weight': 'neck.audio_proj.weight',
    'vggish.embeddings.4.bias': 'audio_backbone.embeddings.4.bias',
    'vggish.features.13.weight': 'audio_backbone.features.13.weight',
    'head.query_generator.query.weight':
    'neck.query_generator.query_embed.weight',
    'head.learnable_query.weight':
    'neck.query_generator.learnable_query.weight',
    'head.query_generator.layers.1.self_attn.in_proj_weight':
    'neck.query_generator.layers.1.attentions.0.attn.in_proj_weight',
    'head.query_generator.layers.4.cross_attn.out_proj.weight':
    'neck.query_generator.layers.4.attentions.1.attn.out_proj.weight',
    'head.query_generator.layers.1.ffn.2.weight':
    'neck.query_generator.layers.1.ffns.0.layers.1.weight',
    'head.query_generator.layers.5.norm3.bias':
    'neck.query_generator.layers.5.norms.2.bias',
    'head.level_embed': 'neck.level_embed',
    'head.in_proj.0.0.weight': 'neck.in_proj.0.conv.weight',
    'head.in_proj.2.1.bias': 'neck.in_proj.2.gn.bias',
    'head.lateral_conv.1.weight': 'neck.lateral_conv.gn.weight',
    'head.out_conv.0.bias': 'neck.out_conv.conv.bias',
    'head.transformer.encoder.layers.3.self_attn.sampling_offsets.weight':
    'neck.encoder.layers.3.attentions.0.sampling_offsets.weight',
    'head.transformer.encoder.layers.0.linear1.weight':
    'neck.encoder.layers.0.ffns.0.layers.0.0.weight',
    'head.transformer.encoder.layers.5.norm2.weight':
    'neck.encoder.layers.5.norms.1.weight',
    'head.fusion_block.kv_proj.weight': 'neck.mixer.kv_proj.weight',
    'head.fusion_block.proj.bias': 'neck.mixer.proj.bias',
    'head.transformer.decoder.layers.5.cross_attn.in_proj_weight':
    'decode_head.decoder.5.attentions.1.attn.in_proj_weight',
    'head.transformer.decoder.layers.2.norm3.weight':
    'decode_head.decoder.2.norms.2.weight',
    'head.transformer.decoder.layers.0.linear2.bias':
    'decode_head.decoder.0.ffns.0.layers.1.bias',
    'head.mlp.layers.1.weight': 'decode_head.mlp.1.conv.weight',
    'head.mlp.layers.2.bias': 'decode_head.mlp.2.bias',
    'head.fc.0.weight': 'decode_head.fc_conv1.weight',
    'head.fc.2.bias': 'decode_head.fc_conv2.conv.bias',
    'head.fc.4.weight': 'decode_head.conv_seg.weight',
    # PVT-v2 (official whai362 names -> timm)
    'backbone.patch_embed1.proj.weight':
    'backbone.timm_model.patch_embed.proj.weight',
    'backbone.patch_embed3.norm.bias':
    'backbone.timm_model.stages_2.downsample.norm.bias',
    'backbone.block3.39.mlp.dwconv.dwconv.weight':
    'backbone.timm_model.stages_2.blocks.39.mlp.dwconv.weight',
    'backbone.norm4.weight': 'backbone.timm_model.stages_3.norm.weight',
    # ResNet-50 (B2_ResNet branch 1 -> mmseg ResNet)
    'backbone.layer4_1.2.bn3.running_var': 'backbone.layer4.2.bn3.running_var',
    'backbone.layer2.0.downsample.0.weight':
    'backbone.layer2.0.downsample.0.weight',
    'backbone.bn1.num_batches_tracked': 'backbone.bn1.num_batches_tracked',
}


@pytest.mark.parametrize('backbone', ['pvt2', 'res50'])
def test_official_keys_land_on_the_mmavs_model(converter, backbone):
    rows = read_key_list(osp.join(DATA, f'official_keys_{backbone}.txt'))
    official = _indexed(rows)
    index = {key: i for i, (key, _, _) in enumerate(rows)}
    converted = converter.convert_avsegformer(official)
    expected = _meta_state_dict(_cfg(CONFIGS[backbone]))
    # every mmavs weight is filled, with the right shape
    assert set(converted) == set(expected)
    for key, value in converted.items():
        assert value.shape == expected[key].shape, key
    # every kept official tensor lands exactly once; only the unused
    # modules are dropped
    values = sorted(_value(v) for v in converted.values())
    kept = sorted(i for key, i in index.items() if not DROPPED.match(key))
    assert values == kept
    checked = 0
    for off, new in SPOT_CHECKS.items():
        if off in index:
            assert _value(converted[new]) == index[off], (off, new)
            checked += 1
    assert checked >= 25


def test_converter_prefixes_robust_key_and_errors(converter, tmp_path,
                                                  monkeypatch):
    sd = {
        'module.audio_proj.weight': torch.ones(256, 128),
        'module.cosine_sim.audio_proj.bias': torch.full((512, ), 2.),
        'head.attn_fc.0.weight': torch.zeros(1),
    }
    out = converter.convert_avsegformer(sd)
    assert set(out) == {
        'neck.audio_proj.weight', 'av_losses.1.audio_proj.bias'
    }
    assert converter.convert_key('cosine_sim.audio_proj.weight',
                                 3) == 'av_losses.3.audio_proj.weight'
    with pytest.raises(KeyError, match='head.transformer.encoder.layers.0.'
                       'bogus'):
        converter.convert_avsegformer(
            {'head.transformer.encoder.layers.0.bogus.weight': torch.ones(1)})
    with pytest.raises(KeyError, match='no mmavs counterpart'):
        converter.convert_avsegformer({'extra.weight': torch.ones(1)})
    src, dst = tmp_path / 'official.pth', tmp_path / 'mmavs.pth'
    torch.save(sd, src)
    monkeypatch.setattr(sys, 'argv', ['avsegformer2mmavs.py', str(src),
                                      str(dst)])
    converter.main()
    saved = torch.load(dst, weights_only=True)
    torch.testing.assert_close(saved['state_dict']['neck.audio_proj.weight'],
                               torch.ones(256, 128))


def test_golden_official_logits_resnet50(converter):
    """The ResNet-50 S4 model gives the official model's logits (made by
    tests/data/avsegformer/make_golden.py from the official code) with the
    same deterministic weights, converted."""
    golden_script = _load(osp.join(DATA, 'make_golden.py'), '_make_golden')
    golden = torch.load(
        osp.join(DATA, 'golden_res50_s4.pt'), weights_only=True)
    # the weights of the official code minus the VGGish (the embeddings
    # are given) and the unused modules (no effect on the outputs)
    rows = [
        r for r in read_key_list(osp.join(DATA, 'official_keys_res50.txt'))
        if not r[0].startswith('vggish.') and not DROPPED.match(r[0])
    ]
    cfg = _cfg(CONFIGS['res50'])
    cfg.model.backbone.init_cfg = None
    cfg.model.audio_backbone = dict(type='PrecomputedAudio', in_channels=128)
    model = MODELS.build(cfg.model).eval()
    model.load_state_dict(
        converter.convert_avsegformer(deterministic_state_dict(rows)),
        strict=True)
    frames, embed = golden_script.golden_inputs()
    inputs = dict(frames=frames, audio=embed[None], num_frames=len(frames))
    with torch.no_grad():
        logits = model(inputs, mode='tensor')
        feats, audio = model.extract_feat(inputs)
        _, extras = model.neck(feats, audio, len(frames))
    assert golden['logits'].std() > 0.1  # not a degenerate output
    torch.testing.assert_close(
        extras['mask_feats'].mean(1, keepdim=True),
        golden['mask_feats_mean'],
        atol=1e-5,
        rtol=0)
    torch.testing.assert_close(logits, golden['logits'], atol=1e-4, rtol=0)


def _loss_backward(cfg, num_clips=1, num_frames=5, size=64, **batch_kw):
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    model.train()
    batch = synthetic_av_batch(
        num_clips=num_clips,
        num_frames=num_frames,
        size=size,
        audio_shape=audio_input_shape(cfg.model.audio_backbone),
        num_classes=model.decode_head.num_classes,
        **batch_kw)
    losses = model(**batch, mode='loss')
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    return model, losses, batch


def _check_grads(model):
    # (level_embed starts without a gradient: it reaches the output through
    # the sampling offsets and attention weights, whose weights start at 0)
    assert all(p.grad is None for p in model.audio_backbone.parameters())
    neck, head = model.neck, model.decode_head
    for p in (next(model.backbone.parameters()), neck.audio_proj.weight,
              neck.query_generator.learnable_query.weight,
              neck.encoder.layers[0].attentions[0].value_proj.weight,
              neck.encoder.layers[0].attentions[0].sampling_offsets.weight,
              neck.mixer.q_proj.weight,
              head.decoder[-1].attentions[1].attn.in_proj_weight,
              head.conv_seg.weight):
        assert p.grad is not None and p.grad.abs().sum() > 0


@pytest.mark.slow
def test_full_size_pvt_config_forward():
    """The full-size PVT-v2-B5 config builds and runs (losses and logits) at
    64 x 64; gradients are checked on the tiny configs."""
    cfg = _cfg(CONFIGS['pvt2'])
    for part in ('backbone', 'audio_backbone'):
        cfg.model[part].init_cfg = None
    model = MODELS.build(cfg.model)
    batch = synthetic_av_batch(num_frames=2, size=64)
    with torch.no_grad():
        losses = model(**batch, mode='loss')
        model.eval()
        logits = model(**batch, mode='tensor')
    assert set(losses) == {'decode.loss_dice', 'decode.acc_seg', 'loss_mix'}
    assert torch.isfinite(losses['decode.loss_dice'] + losses['loss_mix'])
    assert logits.shape == (2, 1, 64, 64) and torch.isfinite(logits).all()


@pytest.mark.parametrize('layout', ['s4', 'ms3', 'avss'])
def test_tiny_configs_train_and_predict(layout):
    batch_name = '1xb2' if layout == 'avss' else '1xb4'
    cfg = _cfg(f'avsegformer_simpleconv_{batch_name}-300it_synthavs-'
               f'{layout}-64x64.py')
    cfg.model.audio_backbone.init_cfg = None
    kwargs = dict(num_clips=2)
    if layout == 's4':
        kwargs['labelled'] = [True, False, False, False, False]
    if layout == 'avss':
        kwargs.update(num_frames=10, valid=[True] * 5 + [False] * 5)
    model, losses, batch = _loss_backward(cfg, **kwargs)
    main = 'decode.loss_ce' if layout == 'avss' else 'decode.loss_dice'
    assert torch.isfinite(losses[main]) and losses['loss_mix'] > 0
    _check_grads(model)
    model.eval()
    with torch.no_grad():
        preds = model(**batch, mode='predict')
    channels = 6 if layout == 'avss' else 1
    assert preds[0].seg_logits.data.shape == (channels, 64, 64)
