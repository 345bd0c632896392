# TPAVI (AVSBench baseline) with a ResNet-50 backbone
# (avs_scripts/avs_s4/model/ResNet_AVSModel.py). mmseg's ResNet (depth 50,
# style='pytorch', plain stem) has the torchvision layout, so torchvision's
# resnet50-19c8e357.pth loads into it unchanged (its fc.* keys are unused);
# the official model's layer3_1/layer4_1 map to layer3/layer4 (its unused
# second branch layer3_2/layer4_2 is dropped) by avsbench2mmavs.py.
_base_ = './tpavi_pvt-v2-b5.py'
model = dict(
    backbone=dict(
        _delete_=True,
        type='ResNet',
        depth=50,
        style='pytorch',
        num_stages=4,
        out_indices=(0, 1, 2, 3),
        norm_cfg=dict(type='BN', requires_grad=True),
        norm_eval=False,
        init_cfg=dict(
            type='Pretrained', checkpoint='pretrain/resnet50-19c8e357.pth')),
    neck=dict(in_channels=(256, 512, 1024, 2048)))
