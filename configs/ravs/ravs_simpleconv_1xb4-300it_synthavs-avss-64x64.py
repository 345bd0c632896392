# A CPU-sized RAVS for SynthAVS AVSS-like (background + 5 classes, T=10),
# 64x64: the full model (AMA with DPC-KNN groups [14, 7, 5] + CST + UE decoder)
# with small widths. SimpleConvNet has 4 stride-2 stages (strides 2..16);
# stages 1-3 (strides 4/8/16, 16/32/64 channels: 16x16, 8x8, 4x4 tokens) feed
# the neck and decoder. The audio backbone is a trainable MLP over the VGGish
# log-mel examples (no pretrained VGGish offline). Generate the data first:
# python tools/dataset_converters/make_synthavs.py
_base_ = [
    '../_base_/models/ravs_mit-b5_vggish.py',
    '../_base_/datasets/synthavs_avss.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adam_1e-4_200it.py',
]
model = dict(
    backbone=dict(
        _delete_=True, type='SimpleConvNet', channels=(8, 16, 32, 64),
        depth=1),
    audio_backbone=dict(
        _delete_=True,
        type='AudioMLP',
        in_features=96 * 64,
        hidden=(128, ),
        out_features=128),
    neck=dict(
        in_channels=(16, 32, 64),
        in_index=(1, 2, 3),
        audio_channels=128,
        num_heads=(1, 2, 4),
        num_layers=1),
    decode_head=dict(
        in_channels=(16, 32, 64),
        channels=32,
        temporal_heads=4,
        dropout_ratio=0.0,
        loss_evidential=dict(annealing_steps=100),
        num_frames=10,
        num_classes=6,
        out_channels=6,
        threshold=None,
        loss_decode=[
            dict(
                type='CrossEntropyLoss',
                use_sigmoid=False,
                avg_non_ignore=True,
                loss_weight=1.0),
            dict(type='SoftDiceLoss', loss_weight=1.0),
            dict(type='IoULoss', loss_weight=1.0),
        ]))
optim_wrapper = dict(
    optimizer=dict(
        _delete_=True,
        type='AdamW',
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0.01))
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=0.04,
        end_factor=1.0,
        by_epoch=False,
        begin=0,
        end=30)
]
train_cfg = dict(max_iters=300, val_interval=300)
default_hooks = dict(checkpoint=dict(interval=300))
