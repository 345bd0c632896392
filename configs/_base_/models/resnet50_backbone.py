# The ResNet-50 of the AVSBench / AVSegFormer ResNet configs, as a variable: a backbone
# swap is the one override `model = {{_base_.resnet50_swap}}` on top of a
# sibling config (resnet50_backbone alone for the backbone). mmseg's ResNet
# (depth 50, style='pytorch', plain stem, BN in train mode) has the
# torchvision layout, so torchvision's resnet50-19c8e357.pth loads into it
# unchanged (its fc.* keys are unused). The official models (B2_ResNet) have
# a second, unused layer3/layer4 branch: the converters map layer3_1 /
# layer4_1 to layer3 / layer4 and drop layer3_2 / layer4_2.
resnet50_backbone = dict(
    _delete_=True,
    type='ResNet',
    depth=50,
    style='pytorch',
    num_stages=4,
    out_indices=(0, 1, 2, 3),
    norm_cfg=dict(type='BN', requires_grad=True),
    norm_eval=False,
    init_cfg=dict(
        type='Pretrained', checkpoint='pretrain/resnet50-19c8e357.pth'))
# the backbone and the stage widths the neck reads
resnet50_swap = dict(
    backbone=resnet50_backbone, neck=dict(in_channels=(256, 512, 1024, 2048)))
