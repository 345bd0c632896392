# A CPU-sized RAVS (binary, 64x64 inputs): the full model (AMA with DPC-KNN
# groups [14, 7, 5] + CST + UE decoder) with small widths. SimpleConvNet has 4
# stride-2 stages (strides 2..16); stages 1-3 (strides 4/8/16, 16/32/64
# channels: 16x16, 8x8, 4x4 tokens) feed the neck and decoder. The audio
# backbone is the frozen SynthAVS-pretrained MLP of synthavs_audio_mlp.py
# (the stand-in for the paper's frozen pretrained VGGish/HTSAT).
_base_ = ['./ravs_mit-b5_vggish.py', './synthavs_audio_mlp.py']
model = dict(
    backbone=dict(
        _delete_=True, type='SimpleConvNet', channels=(8, 16, 32, 64),
        depth=1),
    audio_backbone={{_base_.synthavs_audio_backbone}},
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
    ))
