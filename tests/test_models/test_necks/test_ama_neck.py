# Copyright (c) mmavs contributors. All rights reserved.
import pytest
import torch
import torch.nn.functional as F

import mmavs  # noqa: F401  (installs the mmcv.ops fallback first)
from mmavs.models.necks.ama_neck import AMANeck
from mmavs.models.utils.sgsm_block import (GroupDecoderLayer, SGSMBlock,
                                           group_softmax, merge_groups)


def _inputs(frames=4, seed=0):
    g = torch.Generator().manual_seed(seed)
    feats = [
        torch.randn(frames, 8, 16, 16, generator=g),
        torch.randn(frames, 16, 8, 8, generator=g),
        torch.randn(frames, 32, 4, 4, generator=g),
        torch.randn(frames, 32, 2, 2, generator=g),
    ]
    audio = torch.randn(frames, 12, generator=g)
    return feats, audio


def _neck(**kwargs):
    cfg = dict(
        in_channels=(8, 16, 32, 32),
        audio_channels=12,
        num_groups=(6, 4, 3),
        num_heads=(1, 2, 2),
        num_layers=1)
    cfg.update(kwargs)
    return AMANeck(**cfg)


def test_shapes_and_extras():
    feats, audio = _inputs()
    out, extras = _neck()(feats, audio, 2)
    assert [o.shape for o in out] == [f.shape for f in feats]
    # the 1/32 stage is not aligned
    assert torch.equal(out[3], feats[3])
    assert [g.shape for g in extras['ama_group_feats']] == [(4, 6, 8),
                                                            (4, 4, 16),
                                                            (4, 3, 32)]
    assert [a.shape for a in extras['ama_audio_feats']] == [(4, 8), (4, 16),
                                                            (4, 32)]
    assert [i.shape for i in extras['ama_group_index']] == [(4, 256), (4, 64),
                                                            (4, 16)]
    for idx, p in zip(extras['ama_group_index'], (6, 4, 3)):
        # every group has tokens
        for frame in idx:
            assert frame.unique().tolist() == list(range(p))


def test_reprojection_writes_each_group_to_its_tokens():
    feats, audio = _inputs(frames=3, seed=1)
    block = SGSMBlock(8, 12, num_groups=5, num_heads=2, num_layers=2)
    out, ex = block(feats[0], audio)
    added = (out - feats[0]).flatten(2).transpose(1, 2)  # [B, N, C]
    groups, index = ex['group_feats'], ex['group_index']
    for b in range(3):
        for p in range(5):
            members = index[b] == p
            torch.testing.assert_close(
                added[b, members],
                groups[b, p].expand(int(members.sum()), -1),
                atol=1e-5,
                rtol=0)
    # the groups differ, so no token got another group's feature
    assert not torch.allclose(groups[:, 0], groups[:, 1])


def test_group_softmax_and_merge_match_direct_formula():
    g = torch.Generator().manual_seed(2)
    scores = torch.randn(2, 12, generator=g)
    index = torch.randint(0, 3, (2, 12), generator=g)
    index[:, :3] = torch.arange(3)  # every group non-empty
    tokens = torch.randn(2, 12, 5, generator=g)
    w = group_softmax(scores, index, 3)
    merged = merge_groups(tokens, w, index, 3)
    for b in range(2):
        for p in range(3):
            m = index[b] == p
            ref_w = torch.softmax(scores[b, m], 0)
            torch.testing.assert_close(w[b, m], ref_w)
            torch.testing.assert_close(merged[b, p],
                                       (ref_w[:, None] * tokens[b, m]).sum(0))


def test_group_decoder_layer_matches_direct_formula():
    """Cross-attention of the groups to the tokens with the relevance
    added to every logit (and the group mask), then self-attention and the
    FFN, each with a post-norm residual (Eq. 7), written out by hand."""
    torch.manual_seed(5)
    b, p, n, c, h = 2, 3, 10, 8, 2
    layer = GroupDecoderLayer(c, h).eval()
    groups, tokens = torch.randn(b, p, c), torch.randn(b, n, c)
    relevance = torch.randn(b, n) * 3
    mask = torch.zeros(b, p, n)
    mask[:, 0, :5] = float('-inf')  # group 0 sees the last 5 tokens only
    out = layer(groups, tokens, relevance, mask)

    d = c // h
    q = groups @ layer.q.weight.T + layer.q.bias
    k = tokens @ layer.k.weight.T + layer.k.bias
    v = tokens @ layer.v.weight.T + layer.v.bias
    heads = []
    for i in range(h):
        sl = slice(i * d, (i + 1) * d)
        logits = q[..., sl] @ k[..., sl].transpose(1, 2) / d**0.5
        logits = logits + relevance[:, None, :] + mask
        heads.append(torch.softmax(logits, -1) @ v[..., sl])
    cross = torch.cat(heads, -1) @ layer.proj.weight.T + layer.proj.bias
    g = F.layer_norm(groups + cross, (c, ), layer.norm1.weight,
                     layer.norm1.bias)
    sa = layer.self_attn(g, g, g, need_weights=False)[0]
    g = F.layer_norm(g + sa, (c, ), layer.norm2.weight, layer.norm2.bias)
    ffn = layer.ffn[2](F.gelu(layer.ffn[0](g)))
    ref = F.layer_norm(g + ffn, (c, ), layer.norm3.weight, layer.norm3.bias)
    torch.testing.assert_close(out, ref, atol=1e-5, rtol=1e-5)


def test_gradients_reach_relevance_and_decoder():
    feats, audio = _inputs(frames=2, seed=3)
    feats = [f.requires_grad_() for f in feats]
    neck = _neck(group_mask=True, dpc_assign='density_parent')
    out, extras = neck(feats, audio)
    (sum(o.pow(2).mean()
         for o in out) + extras['ama_group_feats'][-1].sum()).backward()
    block = neck.blocks[0]
    assert block.relevance[0].weight.grad.abs().sum() > 0
    assert block.layers[0].q.weight.grad.abs().sum() > 0
    assert block.audio_proj.weight.grad.abs().sum() > 0
    assert feats[0].grad.abs().sum() > 0


def test_baseline_cross_attention_only():
    feats, audio = _inputs()
    neck = _neck(use_sgsm=False)
    out, extras = neck(feats, audio)
    assert set(extras) == {'ama_audio_feats', 'ama_visual_feats'}
    for stage, v in zip((0, 1, 2), extras['ama_visual_feats']):
        assert v is out[stage]
    assert [o.shape for o in out] == [f.shape for f in feats]
    assert not hasattr(neck.blocks[0], 'layers')
    # audio changes the fused features
    out2, _ = neck(feats, audio + 1)
    assert not torch.allclose(out[0], out2[0])


def test_gt_filter_weights_the_fusion_by_the_sounding_area():
    feats, audio = _inputs(frames=2, seed=4)
    torch.manual_seed(0)
    neck = _neck(use_sgsm=False, gt_filter=True)
    # frame 0: left half of the 64x64 input sounds; frame 1: silent
    gt = torch.zeros(2, 1, 64, 64)
    gt[0, :, :, :32] = 1
    # the segmentor passes gt_masks to every neck in training: without
    # gt_filter they change nothing
    unfiltered = _neck(use_sgsm=False)
    for a, b in zip(
            unfiltered(feats, audio, gt_masks=gt)[0],
            unfiltered(feats, audio)[0]):
        torch.testing.assert_close(a, b)
    out, _ = neck(feats, audio, gt_masks=gt)
    block = neck.blocks[0]
    f = feats[0].flatten(2).transpose(1, 2)  # [2, 256, 8]
    a = block.audio_proj(audio)[:, None]
    mca = block.cross_attn(f, a, a, need_weights=False)[0]
    # each 16x16 token covers a 4x4 patch: weight 1 left, 0 right
    region = torch.zeros(2, 16, 16)
    region[0, :, :8] = 1
    ref = block.norm_av(f + region.flatten(1)[..., None] * mca)
    torch.testing.assert_close(out[0].flatten(2).transpose(1, 2), ref)
    # a silent frame gets no audio at all: changing it changes nothing
    out2, _ = neck(feats, audio + 5, gt_masks=gt)
    torch.testing.assert_close(out2[0][1], out[0][1])
    assert not torch.allclose(out2[0][0], out[0][0])
    # a token half covered gets half the update (area pooling)
    half = torch.zeros(2, 1, 64, 64)
    half[:, :, :, :2] = 1
    region = F.adaptive_avg_pool2d(half, (16, 16))
    assert region[0, 0, 0, 0] == 0.5
    # without masks (inference) the fusion is unfiltered
    plain, _ = neck(feats, audio)
    torch.testing.assert_close(plain[0].flatten(2).transpose(1, 2),
                               block.norm_av(f + mca))
    with pytest.raises(ValueError, match='gt_masks'):
        neck(feats, audio, gt_masks=gt[:1])


def test_in_index_and_errors():
    feats, audio = _inputs()
    neck = _neck(
        in_channels=(16, 32),
        in_index=(1, 2),
        ama_stages=(0, 1),
        num_groups=(4, 3),
        num_heads=(1, 1))
    out, _ = neck(feats, audio)
    assert len(out) == 2 and out[0].shape == feats[1].shape
    with pytest.raises(ValueError, match='num_groups'):
        _neck(num_groups=(4, 3))
    with pytest.raises(ValueError, match='assign'):
        _neck(dpc_assign='parent')
    with pytest.raises(ValueError, match='ama_stages'):
        _neck(ama_stages=(0, 5), num_groups=(4, 3), num_heads=1)
    with pytest.raises(ValueError, match='k=5'):
        _neck(ama_stages=(3, ), num_groups=(2, ), num_heads=1)(feats, audio)
    with pytest.raises(ValueError, match='fewer than num_groups'):
        _neck(num_groups=(6, 4, 17))(feats, audio)
    with pytest.raises(ValueError, match='channels'):
        _neck()([feats[1], feats[1], feats[2], feats[3]], audio)


def test_dpc_options_reach_the_grouping():
    """dpc_density / dpc_assign change the groups the blocks form (the
    grouping itself is checked against Eq. 3 / 4 in test_dpc_knn)."""
    feats, audio = _inputs()
    torch.manual_seed(0)
    _, base = _neck()(feats, audio)
    torch.manual_seed(0)
    neck = _neck(dpc_density='sum_exp', dpc_assign='density_parent')
    assert all(b.density == 'sum_exp' and b.assign == 'density_parent'
               for b in neck.blocks)
    _, other = neck(feats, audio)
    assert any(not torch.equal(a, b) for a, b in zip(
        base['ama_group_index'], other['ama_group_index']))
    with pytest.raises(ValueError, match='density'):
        _neck(dpc_density='mean')
