# A CPU-sized TPAVI for SynthAVS (64x64, T=5): the official structure
# (per-stage ASPP, TPAVI at every stage over the clip's frames, fusion
# decoder, sigmoid BCE) with small widths. SimpleConvNet gives 5 stride-2
# stages; the last four (strides 4..32, as in ResNet/PVT) feed the neck. The
# audio backbone is the frozen SynthAVS-pretrained MLP of
# synthavs_audio_mlp.py (the stand-in for the frozen pretrained VGGish).
_base_ = ['./tpavi_pvt-v2-b5.py', './synthavs_audio_mlp.py']
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
        channels=32,
        audio_channels=128),
    decode_head=dict(
        in_channels=(32, 32, 32, 32), channels=8, mid_channels=16))
