# AVSegFormer + ResNet-50 on AVSBench-Semantic, the official recipe
# (config/avss/AVSegFormer_res50_avss.py): as the PVT-v2-B5 config with the
# ResNet-50 of resnet50_backbone.py.
_base_ = [
    './avsegformer_pvt-v2-b5_1xb4-30e_avss-224x224.py',
    '../_base_/models/resnet50_backbone.py'
]
model = {{_base_.resnet50_swap}}
