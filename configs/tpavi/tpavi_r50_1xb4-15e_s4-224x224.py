# TPAVI + ResNet-50 on AVSBench-Object S4 (official avs_s4/train.sh: batch 4,
# Adam 1e-4, 15 epochs, TPAVI at stages 0-3, BCE on frame 1 only, no LAVM).
# The official loader only resizes and normalises (no augmentation): the
# train pipeline here does the same.
# The ResNet-50 swap is one override on the PVT-v2-B5 config.
_base_ = [
    './tpavi_pvt-v2-b5_1xb4-15e_s4-224x224.py',
    '../_base_/models/resnet50_backbone.py'
]
model = {{_base_.resnet50_swap}}
