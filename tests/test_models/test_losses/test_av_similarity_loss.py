# Copyright (c) mmavs contributors. All rights reserved.
import math

import pytest
import torch
from mmengine.registry import init_default_scope
from mmseg.structures import SegDataSample

import mmavs.models  # noqa: F401
from mmavs.datasets.collate import av_collate
from mmavs.datasets.transforms.formatting import PackAVSInputs
from mmavs.models.losses.av_similarity_loss import AVSimilarityLoss
from mmavs.registry import MODELS
from mmavs.testing import packed_clip, tiny_model_cfg

init_default_scope('mmavs')


def _samples(negative, valid=None):
    out = []
    for i, neg in enumerate(negative):
        s = SegDataSample()
        meta = dict(valid=True if valid is None else valid[i])
        if neg is not None:
            meta['negative_pair'] = neg
        s.set_metainfo(meta)
        out.append(s)
    return out


def _inputs(n=6, c=8, d=5, seed=0):
    g = torch.Generator().manual_seed(seed)
    feats = [
        torch.randn(n, 4, 8, 8, generator=g),
        torch.randn(n, c, 3, 2, generator=g)
    ]
    audio = torch.randn(n, d, generator=g)
    return dict(backbone_feats=feats, num_frames=3), audio


def _direct_bce(s, y):
    p = 1.0 / (1.0 + torch.exp(-s))
    return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()


def test_cosine_matches_formula():
    extras, audio = _inputs()
    loss_fn = AVSimilarityLoss(
        visual_channels=8, audio_channels=5, loss_weight=0.7)
    negative = [False, True, None, True, False, False]
    valid = [True, True, True, True, True, False]
    out = loss_fn(extras, audio, _samples(negative, valid))
    assert set(out) == {'loss_av_sim'}
    w, b = loss_fn.audio_proj.weight, loss_fn.audio_proj.bias
    v = extras['backbone_feats'][-1].mean(dim=(2, 3))
    a = audio @ w.T + b
    s = (a * v).sum(1) / (a.norm(dim=1) * v.norm(dim=1))
    y = torch.tensor([1., 0., 1., 0., 1., 1.])
    keep = torch.tensor(valid)
    expected = 0.7 * _direct_bce(s[keep], y[keep])
    torch.testing.assert_close(out['loss_av_sim'], expected)
    # no learnable scale by default (official code): only the projection
    assert {n
            for n, _ in loss_fn.named_parameters()
            } == {'audio_proj.weight', 'audio_proj.bias'}


def test_euclidean_concat_and_scale():
    extras, audio = _inputs(seed=1)
    samples = _samples([False, True, False, True, False, True])
    y = torch.tensor([1., 0., 1., 0., 1., 0.])
    v = extras['backbone_feats'][-1].mean(dim=(2, 3))

    euc = AVSimilarityLoss(8, 5, similarity='euclidean')
    a = euc.audio_proj(audio)
    s = -((a - v)**2).sum(1).sqrt()
    torch.testing.assert_close(
        euc(extras, audio, samples)['loss_av_sim'], _direct_bce(s, y))

    cat = AVSimilarityLoss(8, 5, similarity='concat', concat_hidden=(6, 4))
    cat.eval()  # no dropout
    a = cat.audio_proj(audio)
    s = cat.classifier(torch.cat([a, v], 1))[:, 0]
    torch.testing.assert_close(
        cat(extras, audio, samples)['loss_av_sim'], _direct_bce(s, y))
    assert [
        m.out_features for m in cat.classifier
        if isinstance(m, torch.nn.Linear)
    ] == [6, 4, 1]

    scaled = AVSimilarityLoss(
        4, 5, learnable_scale=True, init_scale=4.0, visual_index=0)
    loss = scaled(extras, audio, samples)['loss_av_sim']
    a = scaled.audio_proj(audio)
    v0 = extras['backbone_feats'][0].mean(dim=(2, 3))
    s = torch.nn.functional.cosine_similarity(a, v0, dim=1)
    torch.testing.assert_close(loss, _direct_bce(4.0 * s, y))
    loss.backward()
    assert scaled.log_scale.grad is not None
    assert math.isclose(scaled.log_scale.exp().item(), 4.0, rel_tol=1e-6)


def test_errors_name_the_problem():
    extras, audio = _inputs()
    with pytest.raises(ValueError, match='visual_channels'):
        AVSimilarityLoss(16, 5)(extras, audio, _samples([False] * 6))
    with pytest.raises(ValueError, match='audio_channels'):
        AVSimilarityLoss(8, 7)(extras, audio, _samples([False] * 6))
    with pytest.raises(KeyError, match='neck_feats'):
        AVSimilarityLoss(
            8, 5, visual_key='neck_feats')(extras, audio,
                                           _samples([False] * 6))
    with pytest.raises(ValueError, match='similarity'):
        AVSimilarityLoss(8, 5, similarity='dot')


def test_segmentor_plugin_trains_projection():
    cfg = tiny_model_cfg()
    cfg['av_losses'] = [
        dict(type='AVSimilarityLoss', visual_channels=16, audio_channels=16)
    ]
    torch.manual_seed(0)
    model = MODELS.build(cfg)
    pack = PackAVSInputs()
    clips = []
    for i in range(2):
        clip = packed_clip(seed=i, clip_id=f'c{i}')
        clip['negative_pair'] = i == 1
        clip['audio_condition'] = 'silence' if i else 'positive'
        clips.append(pack(clip))
    data = model.data_preprocessor(av_collate(clips), True)
    losses = model(**data, mode='loss')
    assert 'loss_av_sim' in losses and 'decode.loss_ce' in losses
    losses['loss_av_sim'].backward()
    proj = model.av_losses[0].audio_proj.weight
    assert proj.grad is not None and proj.grad.abs().sum() > 0
    # the BCE reaches the visual backbone's last stage
    assert any(p.grad is not None and p.grad.abs().sum() > 0
               for p in model.backbone.parameters())
