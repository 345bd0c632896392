# A CPU-sized AVSegFormer for SynthAVS (64x64, T=5): the official structure
# (audio query generator, deformable encoder over strides 8/16/32, mask
# features at stride 4, audio-visual mixer, transformer decoder, mask head,
# Dice + 0.1 x mix loss) with small widths: 32 channels (GroupNorm with 8
# groups), 16 queries, 2 generator / encoder / decoder layers, 4 heads, FFN
# 64, MLP 64. SimpleConvNet gives 5 stride-2 stages; the last four (strides
# 4..32, as in ResNet/PVT) feed the neck. The audio backbone is the frozen
# SynthAVS-pretrained MLP of synthavs_audio_mlp.py (the stand-in for the
# frozen pretrained VGGish).
_base_ = ['./avsegformer_pvt-v2-b5.py', './synthavs_audio_mlp.py']
model = dict(
    backbone=dict(
        _delete_=True,
        type='SimpleConvNet',
        channels=(8, 16, 32, 64, 128),
        depth=1),
    audio_backbone={{_base_.synthavs_audio_backbone}},
    neck=dict(
        in_channels=(16, 32, 64, 128),
        in_index=(1, 2, 3, 4),
        embed_dims=32,
        audio_channels=128,
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
