# A CPU-sized AVSegFormer for SynthAVS (64x64, T=5): the official structure
# (audio query generator, deformable encoder over strides 8/16/32, mask
# features at stride 4, audio-visual mixer, transformer decoder, mask head,
# Dice + 0.1 x mix loss) with small widths: 32 channels (GroupNorm with 8
# groups), 16 queries, 2 generator / encoder / decoder layers, 4 heads, FFN
# 64, MLP 64. The encoders are those of simpleconv_synthavs.py
# (SimpleConvNet, the frozen SynthAVS audio MLP in the place of the frozen
# pretrained VGGish).
_base_ = ['./avsegformer_pvt-v2-b5.py', './simpleconv_synthavs.py']
model = dict(
    _base_.simpleconv_swap,
    neck=dict(
        _base_.simpleconv_swap.neck,
        embed_dims=32,
        num_queries=16,
        num_groups=8,
        query_generator=dict(
            num_layers=2, num_heads=4, feedforward_channels=64),
        encoder=dict(num_layers=2, num_heads=4, feedforward_channels=64),
        mixer=dict(num_heads=4)),
    decode_head=dict(
        embed_dims=32,
        num_queries=16,
        num_layers=2,
        num_heads=4,
        feedforward_channels=64,
        mlp_channels=64,
        mid_channels=16,
        channels=8))
