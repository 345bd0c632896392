# Copyright (c) mmavs contributors. All rights reserved.
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

import mmavs.models  # noqa: F401
from mmavs.datasets.collate import av_collate
from mmavs.datasets.transforms.formatting import PackAVSInputs
from mmavs.registry import MODELS
from mmavs.testing import packed_clip, repo_root

init_default_scope('mmavs')

CFG_DIR = Path(repo_root()) / 'configs' / 'ravs'
ALL = sorted(p.name for p in CFG_DIR.glob('*.py'))
TINY = [n for n in ALL if 'synthavs' in n]
# trained for one step: the three full tiny models, the ablation ladder on
# MS3 and the largest group numbers on AVSS (the other tiny ablations only
# change the same flags and are checked by test_config_settings)
TINY_RUN = [n for n in TINY if n.startswith('ravs_')] + [
    f'ravs-{kind}_simpleconv_1xb4-300it_synthavs-ms3-64x64.py'
    for kind in ('baseline', 'gtf', 'gtfalign', 'sgsm', 'ama', 'posthoc',
                 'ueratio', 'posthoc-ueratio')
] + ['ravs-g28-14-5_simpleconv_1xb4-300it_synthavs-avss-64x64.py']


def _cfg(name):
    return Config.fromfile(str(CFG_DIR / name))


def _batch(num_frames, size, num_classes, clips=1, labelled=None):
    pack = PackAVSInputs()
    items = []
    for i in range(clips):
        clip = packed_clip(
            num_frames=num_frames,
            size=size,
            num_classes=num_classes,
            seed=i,
            clip_id=f'c{i}',
            labelled=labelled)
        rng = np.random.default_rng(i)
        clip['audio'] = rng.standard_normal(
            (num_frames, 1, 96, 64)).astype(np.float32)
        items.append(pack(clip))
    return av_collate(items)


def test_config_set_is_complete():
    names = set(ALL)
    assert set(TINY_RUN) <= names and len(TINY) == 24
    for audio in ('vggish', 'htsat'):
        for task in ('8xb2-40e_s4', '8xb2-40e_ms3', '8xb1-80e_avss',
                     '8xb8-40e_vpo-ss', '8xb8-40e_vpo-ms',
                     '8xb8-40e_vpo-msmi'):
            assert f'ravs_mit-b5-{audio}_{task}-224x224.py' in names
    for task in ('8xb2-40e_s4', '8xb2-40e_ms3', '8xb1-80e_avss'):
        assert f'ravs_pvt-v2-b5-vggish_{task}-224x224.py' in names
    for kind in ('baseline', 'gtf', 'gtfalign', 'sgsm', 'ama', 'g28-14-5',
                 'g10-7-5', 'g5-5-5'):
        for task in ('8xb2-40e_ms3', '8xb1-80e_avss'):
            assert f'ravs-{kind}_mit-b5-htsat_{task}-224x224.py' in names
        for task in ('ms3', 'avss'):
            assert (f'ravs-{kind}_simpleconv_1xb4-300it_synthavs-{task}'
                    '-64x64.py') in names
    for task in ('s4', 'ms3', 'avss'):
        assert (f'ravs-posthoc_simpleconv_1xb4-300it_synthavs-{task}'
                '-64x64.py') in names
    for task in ('8xb2-40e_ms3', '8xb1-80e_avss'):
        assert f'ravs-posthoc_mit-b5-htsat_{task}-224x224.py' in names
    assert 'ravs-posthoc_mit-b5-vggish_8xb2-40e_s4-224x224.py' in names


@pytest.mark.parametrize('name', ALL)
def test_config_settings(name):
    cfg = _cfg(name)
    model = cfg.model
    kind = name.split('_')[0]
    assert model.neck.type == 'AMANeck'
    # AMA between the encoder stages unless the config is a post-hoc
    # ablation
    posthoc = kind.startswith('ravs-posthoc')
    assert model.type == ('AVEncoderDecoder'
                          if posthoc else 'AVInterleavedEncoderDecoder')
    ratio = kind.endswith('ueratio')
    assert model.decode_head.get('binary_rule', 'fg_divide') == (
        'class_ratio' if ratio else 'fg_divide')
    if posthoc or ratio:
        kind = 'ravs'
    groups = {
        'ravs-g28-14-5': (28, 14, 5),
        'ravs-g10-7-5': (10, 7, 5),
        'ravs-g5-5-5': (5, 5, 5)
    }.get(kind, (14, 7, 5))
    assert tuple(model.neck.num_groups) == groups
    plain = ('ravs-baseline', 'ravs-gtf', 'ravs-gtfalign')
    assert model.neck.use_sgsm == (kind not in plain)
    assert model.neck.get('gt_filter', False) == (kind == 'ravs-gtf')
    has_cst = kind not in plain + ('ravs-sgsm', )
    if kind == 'ravs-gtfalign':
        (align, ) = model.av_losses
        assert (align.type, align.mask_source, align.visual_key,
                align.audio_key) == ('AVMKLLoss', 'gt', 'ama_visual_feats',
                                     'ama_audio_feats')
    else:
        assert bool(model.av_losses) == has_cst
    if has_cst:
        loss = model.av_losses[0]
        assert (loss.type, loss.temperature, loss.threshold,
                loss.loss_weight) == ('InfoNCEGroupLoss', 0.1, 0.5, 0.1)
    ue = kind not in plain + ('ravs-sgsm', 'ravs-ama')
    assert model.decode_head.use_uncertainty == ue
    head = model.decode_head
    frames = 10 if 'avss' in name else 1 if 'vpo' in name else 5
    assert head.num_frames == frames
    if 'avss' in name:
        assert head.out_channels == (9 if 'synthavs' in name else 71)
    elif 'vpo' in name:
        assert head.out_channels == 22
    else:
        assert head.out_channels == 1 and head.threshold == 0.5
    assert [d.type for d in head.loss_decode
            ] == ['CrossEntropyLoss', 'SoftDiceLoss', 'IoULoss']
    if 'synthavs' in name:
        assert model.backbone.type == 'SimpleConvNet'
        assert model.audio_backbone.type == 'AudioMLP'
        assert tuple(model.neck.in_index) == (1, 2, 3)
        return
    backbone = 'TIMMBackbone' if 'pvt' in name else 'MixVisionTransformer'
    assert model.backbone.type == backbone
    opt = cfg.optim_wrapper.optimizer
    assert (opt.type, opt.lr, opt.eps,
            tuple(opt.betas)) == ('AdamW', 1e-4, 1e-8, (0.9, 0.999))
    warm, decay = cfg.param_scheduler
    assert warm.start_factor * opt.lr == pytest.approx(4e-6)
    assert (warm.begin, warm.end) == (0, 2)
    epochs = 80 if 'avss' in name else 40
    assert cfg.train_cfg.max_epochs == epochs and decay.end == epochs
    assert cfg.train_dataloader.sampler.type == 'DefaultSampler'
    pipeline = cfg.train_dataloader.dataset.pipeline
    audio = [t for t in pipeline if t.type == 'LoadAVAudio'][0]
    resize = [t for t in pipeline if t.type == 'ClipRandomResize'][0]
    assert tuple(resize.ratio_range) == (0.5, 2.0)
    assert any(t.type == 'ClipPhotoMetricDistortion' for t in pipeline)
    if 'htsat' in name:
        assert model.audio_backbone.type == 'HTSAT'
        assert model.neck.audio_channels == 768
        assert audio.representation == 'waveform'
        assert audio.sample_rate == 48000
        test_audio = [
            t for t in cfg.test_dataloader.dataset.pipeline
            if t.type == 'LoadAVAudio'
        ][0]
        assert test_audio.representation == 'waveform'
        assert cfg.test_dataloader.dataset.split == 'test'
    else:
        assert model.audio_backbone.type == 'VGGish'
        assert audio.representation == 'vggish'


@pytest.mark.parametrize('name', TINY_RUN)
def test_tiny_configs_train_and_predict(name):
    cfg = _cfg(name)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    semantic = 'avss' in name
    num_frames = 10 if semantic else 5
    batch = _batch(num_frames, 64, 6 if semantic else 2)
    data = model.data_preprocessor(batch, True)
    losses = model(**data, mode='loss')
    expected = {'decode.loss_ce', 'decode.loss_dice', 'decode.loss_iou'}
    if model.decode_head.use_uncertainty:
        expected.add('decode.loss_evidential')
    expected |= {loss.loss_name for loss in model.av_losses}
    assert expected <= set(losses)
    if not model.decode_head.use_uncertainty:
        assert 'decode.loss_evidential' not in losses
    if not model.av_losses:
        assert 'loss_csl' not in losses
    total = sum(v for k, v in losses.items() if 'loss' in k)
    assert torch.isfinite(total)
    total.backward()
    model.eval()
    with torch.no_grad():
        out = model(**model.data_preprocessor(batch, False), mode='predict')
    assert len(out) == num_frames
    assert out[0].pred_sem_seg.data.shape == (1, 64, 64)


def test_gtf_gets_sounding_masks_in_training_only():
    cfg = _cfg('ravs-gtf_simpleconv_1xb4-300it_synthavs-ms3-64x64.py')
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    seen = []
    align = model.neck.align_stage

    def spy(pos, feat, audio, gt_masks=None):
        if pos == 0:
            seen.append(gt_masks)
        return align(pos, feat, audio, gt_masks)

    model.neck.align_stage = spy
    labelled = [True, False, True, True, True]
    batch = _batch(5, 64, 2, labelled=labelled)
    data = model.data_preprocessor(batch, True)
    gts = torch.stack([s.gt_sem_seg.data for s in data['data_samples']])
    model(**data, mode='loss')
    masks = seen[0]
    assert masks.shape == (5, 1, 64, 64)
    # labelled frames: 1 exactly on the sounding pixels
    for t in (0, 2, 3, 4):
        assert torch.equal(masks[t], (gts[t] == 1).float())
        assert 0 < masks[t].mean() < 1
    # the unlabelled frame is not filtered
    assert bool((masks[1] == 1).all())
    model.eval()
    with torch.no_grad():
        model(**model.data_preprocessor(batch, False), mode='predict')
    assert seen[1] is None


@pytest.mark.slow
@pytest.mark.parametrize('name', [
    'ravs_mit-b5-vggish_8xb2-40e_s4-224x224.py',
    'ravs_pvt-v2-b5-vggish_8xb2-40e_s4-224x224.py'
])
def test_full_size_s4_forward_backward(name):
    """The full-size S4 models (MiT-B5 / PVT-v2-B5 + VGGish, AMA between
    the encoder stages) at 64x64, T=5 (6-20 s each)."""
    cfg = _cfg(name)
    torch.manual_seed(0)
    start = time.perf_counter()
    model = MODELS.build(cfg.model)
    model.train()
    batch = _batch(5, 64, 2, labelled=[True, False, False, False, False])
    data = model.data_preprocessor(batch, True)
    losses = model(**data, mode='loss')
    total = sum(v for k, v in losses.items() if 'loss' in k)
    total.backward()
    assert torch.isfinite(total)
    first = (model.backbone.layers[0][0].projection if 'mit' in name else
             model.backbone.timm_model.patch_embed.proj)
    assert first.weight.grad.abs().sum() > 0
    assert model.neck.blocks[2].relevance[0].weight.grad.abs().sum() > 0
    assert all(p.grad is None for p in model.audio_backbone.parameters())
    print(f'{name} build + loss + backward at 64x64, T=5: '
          f'{time.perf_counter() - start:.1f} s')
