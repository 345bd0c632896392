# TPAVI + ResNet-50 on AVSBench-Semantic (official avss/train.sh: batch 4,
# Adam 1e-4, 60 epochs, 71 classes, CE averaged per frame then over the
# annotated frames (= mmseg CE with avg_non_ignore over non-padding frames),
# LAVM with weight 0.5 on stages 0-3 averaged over valid frames
# (reduction='mean'), mask = foreground of the predicted argmax).
# The official model runs TPAVI on groups of 5 frames of each 10-frame clip
# (it reshapes with a hard-coded 5): clip_len=5. Its TPAVI audio projection
# has no bias (avss/model/TPAVI.py): align_bias=False.
# Deviation: the official code multiplies features/audio of padding frames
# by 0 inside the model; here padding frames are only excluded from losses
# and metrics (the neck has no access to the `valid` flags).
# The ResNet-50 swap is one override on the PVT-v2-B5 config.
_base_ = [
    './tpavi_pvt-v2-b5_1xb4-60e_avss-224x224.py',
    '../_base_/models/resnet50_backbone.py'
]
model = {{_base_.resnet50_swap}}
