# AVSegFormer with a ResNet-50 backbone (official config/*/AVSegFormer_res50_*
# with model/backbone/resnet.py B2_ResNet). mmseg's ResNet (depth 50,
# style='pytorch') has the torchvision layout: resnet50-19c8e357.pth loads
# into it unchanged; avsegformer2mmavs.py maps the official layer3_1 /
# layer4_1 to layer3 / layer4 and drops the unused second branch (layer3_2,
# layer4_2).
_base_ = './avsegformer_pvt-v2-b5.py'
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
