# Copyright (c) mmavs contributors. All rights reserved.
import pytest
import torch
import torch.nn.functional as F
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from mmavs.models.losses import AVMKLLoss


def _inputs(n=4, c=6, logits_ch=1, seed=0, valid=None):
    g = torch.Generator().manual_seed(seed)
    logits = torch.randn(n, logits_ch, 16, 16, generator=g)
    v = [
        torch.randn(n, c, 8 // 2**i, 8 // 2**i, generator=g) for i in range(2)
    ]
    a = [torch.randn(n, c, generator=g) for _ in range(2)]
    samples = []
    for i in range(n):
        s = SegDataSample(
            metainfo=dict(valid=True if valid is None else valid[i]))
        s.gt_sem_seg = PixelData(
            data=torch.randint(0, 3, (1, 16, 16), generator=g))
        samples.append(s)
    extras = dict(tpavi_visual_feats=v, tpavi_audio_feats=a, seg_logits=logits)
    return logits, v, a, extras, samples


def _official_ms3(pred_masks,
                  a_fea_list,
                  v_map_list,
                  stages,
                  threshold=False,
                  norm_fea=False,
                  rectified=True):
    """avs_ms3/loss.py A_MaskedV_SimmLoss (kl_flag, avg pooling), on the
    maps the official model hands it: rectified by its decoder's in-place
    ReLUs (``rectified``)."""
    total = 0
    for stage in stages:
        a_fea, v_map = a_fea_list[stage], v_map_list[stage]
        if rectified:
            v_map = torch.relu(v_map)
        m = torch.nn.AdaptiveAvgPool2d(v_map.shape[-2:])(pred_masks)
        m = torch.sigmoid(m)
        if threshold:
            m = (m > 0.5).float()
            num = m.sum(-1).sum(-1)
            masked_v_fea = (v_map * m).sum(-1).sum(-1) / (num + 1e-6)
        else:
            masked_v_fea = (v_map * m).mean(-1).mean(-1)
        if norm_fea:
            a_fea = F.normalize(a_fea, dim=-1)
            masked_v_fea = F.normalize(masked_v_fea, dim=-1)
        total += F.kl_div(
            masked_v_fea.softmax(dim=-1).log(),
            a_fea.softmax(dim=-1),
            reduction='sum')
    return total / len(stages)


def test_matches_official_ms3_loss():
    logits, v, a, extras, samples = _inputs()
    loss = AVMKLLoss(stages=(0, 1), loss_weight=0.5)(extras, None, samples)
    ref = 0.5 * _official_ms3(logits, a, v, (0, 1))
    torch.testing.assert_close(loss['loss_avm'], ref)
    unrectified = 0.5 * _official_ms3(logits, a, v, (0, 1), rectified=False)
    assert not torch.allclose(ref, unrectified)


def test_rectified_maps_pass_no_gradient_where_negative():
    _, v, a, extras, samples = _inputs()
    v[0].requires_grad_(True)
    AVMKLLoss(stages=(0, ))(extras, None, samples)['loss_avm'].backward()
    negative = v[0].detach() < 0
    assert negative.any() and (v[0].grad[negative] == 0).all()
    assert (v[0].grad[~negative] != 0).any()


def test_unrectified_option_reads_the_maps_as_they_are():
    logits, v, a, extras, samples = _inputs()
    loss = AVMKLLoss(
        stages=(0, 1), loss_weight=0.5, rectify_visual=False)(extras, None,
                                                              samples)
    ref = 0.5 * _official_ms3(logits, a, v, (0, 1), rectified=False)
    torch.testing.assert_close(loss['loss_avm'], ref)


def test_semantic_mean_over_valid_frames():
    valid = [True, True, False, True]
    logits, v, a, extras, samples = _inputs(logits_ch=3, valid=valid)
    loss = AVMKLLoss(
        stages=(1, ), loss_weight=1.0, reduction='mean')(extras, None,
                                                         samples)['loss_avm']
    # official avss/loss.py: foreground of the argmax, avg-pooled, no sigmoid
    fg = (logits.softmax(1).argmax(1, keepdim=True) != 0).float()
    m = F.adaptive_avg_pool2d(fg, v[1].shape[-2:])
    f = (v[1].relu() * m).mean((-2, -1))
    kl = F.kl_div(
        f.softmax(-1).log(), a[1].softmax(-1), reduction='none').sum(-1)
    w = torch.tensor(valid, dtype=torch.float32)
    torch.testing.assert_close(loss, (kl * w).sum() / w.sum())


def _with_grad(logits, v, a, extras):
    logits = logits.clone().requires_grad_(True)
    extras['seg_logits'] = logits
    for t in v + a:
        t.requires_grad_(True)
    return logits


def test_gradients_equal_the_official_loss_gradients():
    logits, v, a, extras, samples = _inputs()
    logits = _with_grad(logits, v, a, extras)
    leaves = [logits, v[0], v[1], a[0], a[1]]
    for threshold, norm in ((False, False), (True, False), (False, True)):
        loss = AVMKLLoss(
            stages=(0, 1), threshold=threshold,
            norm_feat=norm)(extras, None, samples)['loss_avm']
        ref = 0.5 * _official_ms3(
            logits, a, v, (0, 1), threshold=threshold, norm_fea=norm)
        torch.testing.assert_close(loss, ref)
        got = torch.autograd.grad(loss, leaves, allow_unused=True)
        want = torch.autograd.grad(ref, leaves, allow_unused=True)
        for g, w in zip(got, want):
            if w is None:  # thresholded masks pass no gradient to logits
                assert g is None or not g.any()
            else:
                torch.testing.assert_close(g, w)
                assert w.abs().sum() > 0


@pytest.mark.parametrize('norm', [False, True])
def test_ground_truth_mask_option_matches_direct_formula(norm):
    _, v, a, extras, samples = _inputs()
    loss = AVMKLLoss(
        stages=(0, ), mask_source='gt', norm_feat=norm,
        threshold=True)(extras, None, samples)['loss_avm']
    gt = torch.stack([s.gt_sem_seg.data for s in samples])
    fg = ((gt != 0) & (gt != 255)).float()
    m = (F.adaptive_avg_pool2d(fg, v[0].shape[-2:]) > 0.5).float()
    assert 0 < m.mean() < 1
    f = (v[0].relu() * m).sum((-2, -1)) / (m.sum((-2, -1)) + 1e-6)
    a0 = a[0]
    if norm:
        f, a0 = F.normalize(f, dim=-1), F.normalize(a0, dim=-1)
    kl = (a0.softmax(-1) * (a0.log_softmax(-1) - f.log_softmax(-1))).sum()
    torch.testing.assert_close(loss, 0.5 * kl)


def test_large_audio_features_give_finite_gradients():
    # softmax of large audio features underflows to exact zeros; the
    # official softmax target then gives NaN gradients, the log target not
    _, v, a, extras, samples = _inputs()
    a[0] = (a[0] * 300).requires_grad_(True)
    assert (a[0].softmax(-1) == 0).any()
    loss = AVMKLLoss(stages=(0, ))(extras, None, samples)['loss_avm']
    loss.backward()
    assert torch.isfinite(loss) and torch.isfinite(a[0].grad).all()
    official = AVMKLLoss(stages=(0, )).loss_weight * _official_ms3(
        extras['seg_logits'], a, v, (0, ))
    torch.testing.assert_close(loss, official)


def test_other_extras_keys_with_gt_masks():
    # the RAVS "+GTF" alignment: AMANeck's lists, ground-truth masks
    logits, v, a, _, samples = _inputs()
    extras = dict(ama_visual_feats=v, ama_audio_feats=a, seg_logits=logits)
    loss = AVMKLLoss(
        stages=(1, ),
        mask_source='gt',
        reduction='mean',
        loss_weight=1.0,
        visual_key='ama_visual_feats',
        audio_key='ama_audio_feats',
        rectify_visual=False)(extras, None, samples)['loss_avm']
    gt = torch.stack([s.gt_sem_seg.data for s in samples])
    m = F.adaptive_avg_pool2d(((gt != 0) & (gt != 255)).float(),
                              v[1].shape[-2:])
    f = (v[1] * m).mean((-2, -1))
    ref = F.kl_div(
        f.softmax(-1).log(), a[1].softmax(-1), reduction='none').sum(-1)
    torch.testing.assert_close(loss, ref.mean())
    with pytest.raises(KeyError, match='tpavi_visual_feats'):
        AVMKLLoss(stages=(0, ))(extras, None, samples)
    with pytest.raises(ValueError, match='out of range'):
        AVMKLLoss(
            stages=(2, ),
            visual_key='ama_visual_feats',
            audio_key='ama_audio_feats')(extras, None, samples)


def test_errors_name_what_is_missing():
    _, _, _, extras, samples = _inputs()
    with pytest.raises(KeyError, match='tpavi_audio_feats'):
        AVMKLLoss()(dict(tpavi_visual_feats=[]), None, samples)
    del extras['seg_logits']
    with pytest.raises(KeyError, match='seg_logits'):
        AVMKLLoss(stages=(0, ))(extras, None, samples)
    with pytest.raises(ValueError, match='reduction'):
        AVMKLLoss(reduction='avg')
