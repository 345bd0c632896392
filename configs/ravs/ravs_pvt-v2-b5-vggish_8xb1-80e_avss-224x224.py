# RAVS, PVT-v2-B5 + VGGish on AVSBench-Semantic (71 classes, T=10 with padded
# v1 clips, 80 epochs as the paper). timm's pvt_v2_b5 (stage widths
# 64/128/320/512, as MiT-B5, so the AMA and decoder settings are unchanged).
# Pretrained: pretrain/pvt_v2_b5_timm.pth (see
# configs/tpavi/tpavi_pvt-v2-b5_1xb4-15e_s4-224x224.py).
_base_ = [
    './ravs_mit-b5-vggish_8xb1-80e_avss-224x224.py',
    '../_base_/models/pvt-v2-b5_backbone.py'
]
model = dict(backbone={{_base_.pvt_v2_b5_backbone}})
