# RAVS, PVT-v2-B5 + VGGish on AVSBench-Object MS3 (binary, T=5).
# timm's pvt_v2_b5 (stage widths 64/128/320/512, as MiT-B5, so the AMA and
# decoder settings are unchanged). Pretrained: pretrain/pvt_v2_b5_timm.pth
# (see configs/tpavi/tpavi_pvt-v2-b5_1xb4-15e_s4-224x224.py).
_base_ = [
    './ravs_mit-b5-vggish_8xb2-40e_ms3-224x224.py',
    '../_base_/models/pvt-v2-b5_backbone.py'
]
model = dict(backbone={{_base_.pvt_v2_b5_backbone}})
