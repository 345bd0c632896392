# Copyright (c) mmavs contributors. All rights reserved.
"""AVSegFormer blocks against direct formulas and PyTorch references."""
import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

import mmavs  # noqa: F401  (installs the mmcv.ops fallback)
from mmavs.compat import compiled_mmcv_available
from mmavs.models.utils import (AudioQueryGenerator, CrossModalMixer,
                                DeformableEncoder, SinePositionalEncoding)


def test_sine_positional_encoding_direct_formula():
    num_feats, temp = 4, 10000
    mask = torch.zeros(1, 3, 5, dtype=torch.bool)
    mask[0, :, 4] = True  # a padded column
    pos = SinePositionalEncoding(num_feats, temperature=temp)(mask)
    assert pos.shape == (1, 8, 3, 5)
    for y in range(3):
        for x in range(5):
            # 1-based counts of the valid positions up to (y, x) along
            # each axis; the padded column has none along y
            coords = [y + 1 if x < 4 else 0, min(x + 1, 4)]
            expected = []
            for v in coords:  # y channels first, then x
                for i in range(num_feats):
                    dim_t = temp**(2 * (i // 2) / num_feats)
                    expected.append(
                        math.sin(v / dim_t) if i % 2 == 0 else math.cos(v /
                                                                       dim_t))
            torch.testing.assert_close(pos[0, :, y, x],
                                       torch.tensor(expected))
    normed = SinePositionalEncoding(2, normalize=True, eps=0.)(
        torch.zeros(1, 2, 4, dtype=torch.bool))
    # x channels: (x + 1) / 4 * 2 pi -> sin, cos
    torch.testing.assert_close(normed[0, 2, 0], torch.sin(
        torch.arange(1., 5.) / 4 * 2 * math.pi))


def _mixer_direct(mixer, feat, audio):
    """Eq. (9)-(10) with one loop per head."""
    n, c, h, w = feat.shape
    heads, d = mixer.num_heads, c // mixer.num_heads
    f = feat.flatten(2).transpose(1, 2)  # [N, HW, C]
    q = audio @ mixer.q_proj.weight.T
    kv = f @ mixer.kv_proj.weight.T
    k, v = kv[..., :c], kv[..., c:]
    outs = []
    for i in range(heads):
        sl = slice(i * d, (i + 1) * d)
        attn = torch.softmax(
            torch.einsum('nd,nld->nl', q[:, sl], k[..., sl]) / math.sqrt(d),
            -1)  # eq. (9)
        outs.append(torch.einsum('nl,nld->nd', attn, v[..., sl]))
    omega = torch.sigmoid(
        torch.cat(outs, 1) @ mixer.proj.weight.T + mixer.proj.bias)
    return feat * omega[:, :, None, None], omega


@pytest.mark.parametrize('residual', [False, True])
def test_cross_modal_mixer_eq_9_10(residual):
    torch.manual_seed(0)
    mixer = CrossModalMixer(embed_dims=16, num_heads=4, residual=residual)
    feat = torch.randn(3, 16, 5, 6)
    audio = torch.randn(3, 16)
    weighted, omega = _mixer_direct(mixer, feat, audio)
    expected = feat + weighted if residual else weighted  # eq. (10)
    torch.testing.assert_close(mixer(feat, audio), expected)
    torch.testing.assert_close(mixer.channel_weights(feat, audio), omega)
    # one frame works (the official x.squeeze() does not)
    torch.testing.assert_close(mixer(feat[:1], audio[:1]), expected[:1])
    with pytest.raises(ValueError, match='CrossModalMixer expects'):
        mixer(feat, audio[:2])


def _torch_decoder_layer(layer, bias=True):
    """nn.TransformerDecoderLayer (post-norm, GELU) with the weights of an
    mmcv BaseTransformerLayer (self-attn, norm, cross-attn, norm, ffn,
    norm)."""
    dims = layer.embed_dims
    ffn = layer.ffns[0].layers
    ref = nn.TransformerDecoderLayer(
        dims,
        layer.attentions[0].num_heads,
        dim_feedforward=ffn[0][0].out_features,
        dropout=0.,
        activation='gelu',
        batch_first=True)
    with torch.no_grad():
        for dst, src in ((ref.self_attn, layer.attentions[0].attn),
                         (ref.multihead_attn, layer.attentions[1].attn)):
            dst.in_proj_weight.copy_(src.in_proj_weight)
            dst.out_proj.weight.copy_(src.out_proj.weight)
            if bias:
                dst.in_proj_bias.copy_(src.in_proj_bias)
                dst.out_proj.bias.copy_(src.out_proj.bias)
            else:  # bias-free projections = zero biases
                dst.in_proj_bias.zero_()
                dst.out_proj.bias.zero_()
        ref.linear1.load_state_dict(ffn[0][0].state_dict())
        ref.linear2.load_state_dict(ffn[1].state_dict())
        for i, norm in enumerate((ref.norm1, ref.norm2, ref.norm3)):
            norm.load_state_dict(layer.norms[i].state_dict())
    return ref.eval()


def test_audio_query_generator_matches_torch_decoder_layers():
    torch.manual_seed(0)
    gen = AudioQueryGenerator(
        num_queries=5,
        embed_dims=16,
        num_layers=2,
        num_heads=4,
        feedforward_channels=24)
    with torch.no_grad():
        for p in gen.parameters():
            p.normal_(0, 0.3)
    # bias-free attention, as the official AttentionLayer
    assert gen.layers[0].attentions[0].attn.in_proj_bias is None
    audio = torch.randn(3, 16)
    refs = [_torch_decoder_layer(layer, bias=False) for layer in gen.layers]
    query = gen.query_embed.weight[None].expand(3, -1, -1)
    for ref in refs:
        query = ref(query, audio[:, None])
    expected = query + gen.learnable_query.weight[None]
    torch.testing.assert_close(gen(audio), expected, atol=1e-5, rtol=1e-5)
    no_learn = AudioQueryGenerator(
        5, 16, 2, 4, 24, use_learnable_queries=False)
    assert no_learn.learnable_query is None
    with pytest.raises(ValueError, match=r'\[N, 16\]'):
        gen(torch.randn(3, 8))


def test_deformable_encoder_reference_points():
    points = DeformableEncoder.reference_points([(2, 2), (1, 3)], 2, 'cpu')
    expected = torch.tensor([[.25, .25], [.75, .25], [.25, .75], [.75, .75],
                             [1 / 6, .5], [.5, .5], [5 / 6, .5]])
    assert points.shape == (1, 7, 2, 2)
    for level in range(2):
        torch.testing.assert_close(points[0, :, level], expected)


def test_deformable_encoder_layer_wiring():
    """With zero sampling offsets and attention logits, every point samples
    the centre of the token's own cell (one level) with equal weights, so
    one layer is norm2(ffn(norm1(x + W_o W_v x))) whatever the positional
    embedding: values come from the tokens, not tokens + pos."""
    torch.manual_seed(0)
    enc = DeformableEncoder(
        embed_dims=16,
        num_layers=1,
        num_levels=1,
        num_heads=4,
        num_points=2,
        feedforward_channels=24,
        dropout=0.).eval()
    layer = enc.layers[0]
    msda = layer.attentions[0]
    with torch.no_grad():
        for m in (msda.sampling_offsets, msda.attention_weights):
            m.weight.zero_()
            m.bias.zero_()
    x = torch.randn(2, 16, 3, 4)
    tokens = x.flatten(2).transpose(1, 2)
    attn = msda.output_proj(msda.value_proj(tokens))
    h = layer.norms[0](tokens + attn)
    ffn = layer.ffns[0].layers
    h = layer.norms[1](h + ffn[1](F.gelu(ffn[0][0](h))))
    expected = h.transpose(1, 2).reshape(2, 16, 3, 4)
    for pos in (torch.zeros_like(x), torch.randn_like(x)):
        torch.testing.assert_close(
            enc([x], [pos])[0], expected, atol=1e-5, rtol=1e-5)
    # with learnt offsets the queries (tokens + pos) matter
    with torch.no_grad():
        msda.sampling_offsets.weight.normal_()
    assert not torch.allclose(enc([x], [torch.zeros_like(x)])[0],
                              enc([x], [torch.randn_like(x)])[0])
    with pytest.raises(ValueError, match='1 levels'):
        enc([x, x], [x, x])


@pytest.mark.skipif(
    not (compiled_mmcv_available() and torch.cuda.is_available()),
    reason='needs compiled mmcv ops (mmcv._ext) and a CUDA device: only '
    'then does MultiScaleDeformableAttention run the compiled kernel '
    '(on CPU it always takes the pure-PyTorch path)')
def test_compiled_and_pytorch_msda_agree():
    from mmcv.ops.multi_scale_deform_attn import (
        MultiScaleDeformableAttnFunction, multi_scale_deformable_attn_pytorch)
    torch.manual_seed(0)
    shapes = torch.tensor([[8, 8], [4, 4], [2, 2]]).cuda()
    start = torch.cat((shapes.new_zeros(1), shapes.prod(1).cumsum(0)[:-1]))
    value = torch.randn(2, int(shapes.prod(1).sum()), 8, 32).cuda()
    loc = torch.rand(2, 50, 8, 3, 4, 2).cuda()
    weights = torch.softmax(torch.randn(2, 50, 8, 12), -1).view(
        2, 50, 8, 3, 4).cuda()
    compiled = MultiScaleDeformableAttnFunction.apply(value, shapes, start,
                                                      loc, weights, 64)
    fallback = multi_scale_deformable_attn_pytorch(value, shapes, loc,
                                                   weights)
    torch.testing.assert_close(compiled, fallback, atol=1e-5, rtol=1e-4)
