# Copyright (c) mmavs contributors. All rights reserved.
"""AVSegFormer configs: the official training settings, robust variants."""
import json
import os.path as osp
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

from mmavs.registry import MODELS
from mmavs.testing import (audio_input_shape, data_root_options, repo_root,
                           run_tool, synthetic_av_batch)
from mmavs.utils import register_all_modules

register_all_modules()

CONFIGS = Path(repo_root()) / 'configs'
TINY_S4 = ('configs/avsegformer/avsegformer_simpleconv_1xb4-300it_'
           'synthavs-s4-64x64.py')


def _cfg(name):
    return Config.fromfile(str(CONFIGS / name))


# config: (batch, epochs, frozen epochs, frame size, train frames resized
# without augmentation) from the official config/*/AVSegFormer_*.py and
# AVSBench-Robust's config/*/ood_AVSegFormer_pvt2_*.py
OFFICIAL = {
    'avsegformer/avsegformer_pvt-v2-b5_1xb2-30e_s4-512x512.py':
    (2, 30, 5, 512),
    'avsegformer/avsegformer_r50_1xb2-30e_s4-512x512.py': (2, 30, 5, 512),
    'avsegformer/avsegformer_pvt-v2-b5_1xb2-60e_ms3-512x512.py':
    (2, 60, 10, 512),
    'avsegformer/avsegformer_r50_1xb2-60e_ms3-512x512.py': (2, 60, 10, 512),
    'avsegformer/avsegformer_pvt-v2-b5_1xb4-30e_avss-224x224.py':
    (4, 30, 0, 224),
    'avsegformer/avsegformer_r50_1xb4-30e_avss-224x224.py': (4, 30, 0, 224),
    'robust/robust-avsegformer_pvt-v2-b5_1xb1-30e_s4-512x512.py':
    (1, 30, 5, 512),
    'robust/robust-avsegformer_pvt-v2-b5_1xb1-60e_ms3-512x512.py':
    (1, 60, 10, 512),
}


@pytest.mark.parametrize('name', sorted(OFFICIAL))
def test_official_training_settings(name):
    batch, epochs, frozen, size = OFFICIAL[name]
    cfg = _cfg(name)
    assert cfg.train_dataloader.batch_size == batch
    assert cfg.train_cfg.max_epochs == epochs
    assert cfg.optim_wrapper.optimizer.type == 'AdamW'
    assert cfg.optim_wrapper.optimizer.lr == 2e-5
    assert cfg.param_scheduler == []
    hooks = [h for h in cfg.get('custom_hooks', [])
             if h.type == 'BackboneFreezeHook']
    assert (hooks[0].freeze_epochs if hooks else 0) == frozen
    dataset = cfg.train_dataloader.dataset
    dataset = dataset.get('dataset', dataset)  # robust wrapper
    types = [t.type for t in dataset.pipeline]
    assert not any('Random' in t or 'PhotoMetric' in t for t in types)
    resize = [t for t in dataset.pipeline if t.type == 'ClipResize'][0]
    if size == 512:
        assert resize.scale == (512, 512) and not resize.keep_ratio
    else:  # AVSS: short side 224, centre crop
        assert resize.keep_ratio and min(resize.scale) == 224
        assert 'ClipCenterCrop' in types
    test = cfg.test_dataloader.dataset
    test = test.get('dataset', test)
    test_resize = [t for t in test.pipeline if t.type == 'ClipResize'][0]
    assert test_resize.scale == (size, size) and test_resize.eval_at_resized
    neck, head = cfg.model.neck, cfg.model.decode_head
    assert (neck.embed_dims, neck.num_queries, head.num_layers) == (256, 300,
                                                                    6)
    assert neck.encoder.num_layers == 6 and neck.query_generator.num_layers \
        == 6 and neck.mixer.num_heads == 8 and not neck.mixer.residual
    mix = [loss for loss in cfg.model.av_losses if loss.type == 'MixLoss']
    assert mix[0].loss_weight == 0.1


def test_robust_ladder_keeps_the_mix_loss():
    for task in ('pvt-v2-b5_1xb1-30e_s4-512x512',
                 'pvt-v2-b5_1xb1-60e_ms3-512x512',
                 'simpleconv_1xb4-300it_synthavs-s4-64x64'):
        main = _cfg(f'robust/robust-avsegformer_{task}.py')
        noneg = _cfg(f'robust/robust-avsegformer-noneg_{task}.py')
        negonly = _cfg(f'robust/robust-avsegformer-negonly_{task}.py')
        assert [x.type for x in main.model.av_losses
                ] == ['MixLoss', 'AVSimilarityLoss']
        sim = main.model.av_losses[1]
        assert sim.audio_key == 'audio_embed' and sim.loss_weight == 1.0
        assert sim.audio_channels == main.model.neck.embed_dims
        for cfg in (noneg, negonly):
            assert [x.type for x in cfg.model.av_losses] == ['MixLoss']
        assert main.train_dataloader.dataset.negative_ratio == 0.1
        assert negonly.train_dataloader.dataset.negative_ratio == 0.1
        assert noneg.train_dataloader.dataset.negative_ratio == 0.0


def test_tiny_robust_model_similarity_loss_reaches_the_audio_projection():
    cfg = _cfg('robust/robust-avsegformer_simpleconv_1xb4-300it_synthavs-'
               'ms3-64x64.py')
    cfg.model.audio_backbone.init_cfg = None
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    batch = synthetic_av_batch(
        num_clips=2,
        size=64,
        audio_shape=audio_input_shape(cfg.model.audio_backbone))
    batch['data_samples'][0].set_metainfo(dict(negative_pair=True))
    losses = model(**batch, mode='loss')
    assert {'decode.loss_dice', 'loss_mix', 'loss_av_sim'} <= set(losses)
    losses['loss_av_sim'].backward()
    assert model.neck.audio_proj.weight.grad.abs().sum() > 0
    assert model.av_losses[1].audio_proj.weight.grad.abs().sum() > 0


@pytest.mark.slow
def test_tiny_avsegformer_trains_through_train_py(synthavs_small, tmp_path):
    work_dir = str(tmp_path / 'work')
    opts = data_root_options(synthavs_small) + [
        'model.audio_backbone.init_cfg=None',
        'train_cfg.max_iters=3',
        'train_cfg.val_interval=3',
        'default_hooks.checkpoint.interval=3',
        'default_hooks.logger.interval=1',
        'randomness.seed=0',
    ]
    for split in ('train', 'val', 'test'):
        opts += [
            f'{split}_dataloader.num_workers=0',
            f'{split}_dataloader.persistent_workers=False',
        ]
    run_tool(['tools/train.py', TINY_S4, '--work-dir', work_dir,
              '--cfg-options'] + opts)
    assert osp.isfile(osp.join(work_dir, 'iter_3.pth'))
    logs = sorted(Path(work_dir).glob('*/vis_data/scalars.json'))
    records = [json.loads(line) for line in logs[-1].read_text().splitlines()]
    train = [r for r in records if 'loss_mix' in r]
    assert len(train) == 3
    assert all(r['decode.loss_dice'] > 0 for r in train)
    assert any('J@frame' in r for r in records)  # validation ran
