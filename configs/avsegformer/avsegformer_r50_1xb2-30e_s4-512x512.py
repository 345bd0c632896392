# AVSegFormer + ResNet-50 on AVSBench-Object S4, the official recipe
# (config/s4/AVSegFormer_res50_s4.py): as the PVT-v2-B5 config
# with the ResNet-50 of resnet50_backbone.py.
_base_ = [
    './avsegformer_pvt-v2-b5_1xb2-30e_s4-512x512.py',
    '../_base_/models/resnet50_backbone.py'
]
model = {{_base_.resnet50_swap}}
