# A small audio-conditioned baseline: SimpleConvNet frames, an MLP over the
# VGGish log-mel examples, FiLM fusion at every stage, mmseg's FCNHead on the
# concatenation of all stages.
# Binary (sounding vs not) with one sigmoid output channel.
_base_ = ['./av_data_preprocessor.py', './seg_outputs.py']
data_preprocessor = dict(_base_.data_preprocessor, size_divisor=16)
model = dict(
    type='AVEncoderDecoder',
    data_preprocessor=data_preprocessor,
    backbone=dict(type='SimpleConvNet', channels=(16, 32, 64), depth=2),
    audio_backbone=dict(
        type='AudioMLP', in_features=96 * 64, hidden=(128, ), out_features=64),
    neck=dict(
        type='AudioFiLMNeck', in_channels=(16, 32, 64), audio_channels=64),
    decode_head=dict(
        type='FCNHead',
        in_channels=(16, 32, 64),
        in_index=(0, 1, 2),
        input_transform='resize_concat',
        channels=32,
        num_convs=1,
        concat_input=False,
        dropout_ratio=0.0,
        norm_cfg=dict(type='BN'),
        **_base_.binary_output,
        loss_decode=_base_.binary_bce_loss),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
