# TPAVI (AVSBench baseline) with a ResNet-50 backbone
# (avs_scripts/avs_s4/model/ResNet_AVSModel.py), see resnet50_backbone.py.
_base_ = ['./tpavi_pvt-v2-b5.py', './resnet50_backbone.py']
model = dict(
    backbone={{_base_.resnet50_backbone}},
    neck=dict(in_channels=(256, 512, 1024, 2048)))
