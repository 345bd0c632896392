# AVSegFormer (Gao et al., AAAI 2024) with a PVT-v2-B5 backbone, following
# the official code (vvvb-github/AVSegFormer, config/s4/AVSegFormer_pvt2_s4.py
# and model/): frozen VGGish (128) projected to 256; 300 audio queries from a
# 6-layer generator (+ 300 learnable queries); 6-layer deformable encoder
# over strides 8/16/32 (sine positional encoding + level embedding, 8 heads,
# 4 points, FFN 2048, dropout 0.1); mask features at stride 4; the
# audio-visual mixer (8 heads); 6-layer decoder; mask head. Binary (S4/MS3)
# by default: Dice on the logits + lambda_1 = 0.1 x the mix loss (Dice of
# the channel-mean mixed features), both the official
# `1 - 2 sum(pg) / (sum(p^2) + sum(g^2) + 2e-3)` per supervised frame.
# Code vs paper: the mixer is the official `F * sigmoid(...)`
# (model.neck.mixer.residual=False); the paper's eq. (10) `F + F * omega` is
# model.neck.mixer.residual=True.
# Pretrained weights: as tpavi_pvt-v2-b5.py (ImageNet PVT-v2-B5, VGGish). A
# released AVSegFormer checkpoint: avsegformer2mmavs.py CKPT OUT, then
# load_from=OUT.
_base_ = './tpavi_pvt-v2-b5.py'  # preprocessor, PVT-v2-B5, VGGish, losses
model = dict(
    neck=dict(
        _delete_=True,
        type='AVSegFormerNeck',
        in_channels=(64, 128, 320, 512),
        embed_dims=256,
        audio_channels=128,
        num_queries=300,
        query_generator=dict(
            num_layers=6,
            num_heads=8,
            feedforward_channels=1024,
            use_learnable_queries=True),
        encoder=dict(
            num_layers=6,
            num_heads=8,
            num_points=4,
            feedforward_channels=2048,
            dropout=0.1),
        mixer=dict(num_heads=8, residual=False)),
    decode_head=dict(
        _delete_=True,
        type='AVSegFormerHead',
        embed_dims=256,
        num_queries=300,
        num_layers=6,
        num_heads=8,
        feedforward_channels=2048,
        dropout=0.1,
        mlp_channels=2048,
        mid_channels=128,
        channels=32,
        **_base_.binary_output,
        loss_decode=dict(
            type='SoftDiceLoss', smooth=0., exponent=2, eps=1e-3)),
    av_losses=[dict(type='MixLoss', loss_weight=0.1)])
# The head of semantic tasks (AVSS): softmax over the classes with CE in the
# place of Dice, no threshold; configs set num_classes / out_channels.
avsegformer_semantic_head = dict(
    threshold=None, loss_decode=dict(_base_.semantic_ce_loss, _delete_=True))
