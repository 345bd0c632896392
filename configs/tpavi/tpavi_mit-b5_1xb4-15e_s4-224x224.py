# TPAVI with a MiT-B5 (SegFormer) backbone on S4: the PVT-v2-B5 config with
# the MixVisionTransformer of mit-b5_backbone.py (same stage widths).
_base_ = [
    './tpavi_pvt-v2-b5_1xb4-15e_s4-224x224.py',
    '../_base_/models/mit-b5_backbone.py'
]
model = dict(backbone=dict(_base_.mit_b5_backbone, _delete_=True))
