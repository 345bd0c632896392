# TPAVI (AVSBench baseline) with a ResNet-50 backbone
# (avs_scripts/avs_s4/model/ResNet_AVSModel.py), see resnet50_backbone.py.
_base_ = ['./tpavi_pvt-v2-b5.py', './resnet50_backbone.py']
model = {{_base_.resnet50_swap}}
