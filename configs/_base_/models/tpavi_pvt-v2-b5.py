# TPAVI (AVSBench baseline, Zhou et al. ECCV 2022) with a PVT-v2-B5 backbone.
# Binary (S4/MS3) by default: one sigmoid channel, BCE averaged over the
# supervised pixels (S4: frame 1 of each train clip; the segmentor ignores
# unlabelled frames). Follows avs_scripts/avs_s4/model/PVT_AVSModel.py:
# per-stage ASPP (sum of 3x3 convs, dilation 3/6/12/18, 256 ch), TPAVI at all
# four stages (audio-visual), FPN-like fusion decoder, frozen VGGish.
# Pretrained weights (local files, see tools/model_converters/):
#   pretrain/pvt_v2_b5_timm.pth   avsbench2mmavs.py --pvt-imagenet \
#                                     pvt_v2_b5.pth OUT
#   pretrain/vggish_mmavs.pth     vggish2mmavs.py vggish-10086976.pth
_base_ = ['./av_data_preprocessor.py', './vggish.py', './seg_outputs.py']
model = dict(
    type='AVEncoderDecoder',
    data_preprocessor=_base_.data_preprocessor,
    backbone=dict(
        type='TIMMBackbone',
        model_name='pvt_v2_b5',
        features_only=True,
        pretrained=False,
        drop_path_rate=0.1,  # official pvt_v2_b5()
        init_cfg=dict(
            type='Pretrained', checkpoint='pretrain/pvt_v2_b5_timm.pth')),
    audio_backbone=_base_.vggish_audio_backbone,
    neck=dict(
        type='TPAVINeck',
        in_channels=(64, 128, 320, 512),
        channels=256,
        audio_channels=128,
        dilations=(3, 6, 12, 18),
        tpavi_stages=(0, 1, 2, 3),
        tpavi_va=True,
        tpavi_vv=False),
    decode_head=dict(
        type='TPAVIHead',
        in_channels=(256, 256, 256, 256),
        channels=32,
        mid_channels=128,
        **_base_.binary_output,
        loss_decode=_base_.binary_bce_loss),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
# L_AVM of the official MS3 TPAVI (avs_ms3/train.py): KL between the
# mask-pooled visual and audio features of all four stages, weight 0.5, sum
# reduction; the MS3 configs list it in model.av_losses.
tpavi_ms3_avm_loss = dict(
    type='AVMKLLoss',
    stages=(0, 1, 2, 3),
    loss_weight=0.5,
    mask_source='pred',
    pooling='avg',
    threshold=False,
    norm_feat=False,
    reduction='sum')
