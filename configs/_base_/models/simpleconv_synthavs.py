# The encoders of the CPU-sized TPAVI and AVSegFormer SynthAVS configs, as
# one swap: SimpleConvNet with 5 stride-2 stages (8..128 channels) whose last
# four (strides 4..32, as in ResNet/PVT) feed the neck, and the frozen
# SynthAVS audio MLP of synthavs_audio_mlp.py (128-D). A model config uses it
# as `model = dict(_base_.simpleconv_swap,
# neck=dict(_base_.simpleconv_swap.neck, ...), decode_head=...)`.
_base_ = './synthavs_audio_mlp.py'
simpleconv_swap = dict(
    backbone=dict(
        _delete_=True,
        type='SimpleConvNet',
        channels=(8, 16, 32, 64, 128),
        depth=1),
    audio_backbone=_base_.synthavs_audio_backbone,
    neck=dict(
        in_channels=(16, 32, 64, 128), in_index=(1, 2, 3, 4),
        audio_channels=128))
