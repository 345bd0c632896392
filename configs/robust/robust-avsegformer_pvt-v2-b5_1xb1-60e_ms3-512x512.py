# Robust AVS applied to AVSegFormer + PVT-v2-B5 on AVSBench-MS3 (official
# config/ms3/ood_AVSegFormer_pvt2_ms3.py): the official AVSegFormer MS3
# recipe (512 x 512, AdamW 2e-5, 60 epochs, backbone frozen for 10) with
# batch 1, 10% negative pairs and L_BCE on the projected audio (see the S4
# config), as a sibling of that config on the MS3 clips
# (avsbench_ms3_layout.py). Off-screen sources as robust-tpavi_pvt-v2-b5_1xb4-30e_ms3: sounding
# objects of the AVSBench-Semantic metadata.csv rows labelled 'v1m'.
_base_ = [
    './robust-avsegformer_pvt-v2-b5_1xb1-30e_s4-512x512.py',
    '../_base_/datasets/avsbench_ms3_layout.py',
]
train_cfg = dict(max_epochs=60)
custom_hooks = [dict(type='BackboneFreezeHook', freeze_epochs=10)]
robust_common = _base_.avsbench_ms3_robust
dataset_type = _base_.avsbench_ms3_layout['type']
ann_file = _base_.avsbench_ms3_layout['ann_file']
data_prefix = _base_.avsbench_ms3_layout['data_prefix']
robust_ms3 = dict(dataset=_base_.avsbench_ms3_layout, **robust_common)
train_dataloader = dict(dataset=robust_ms3)
val_dataloader = dict(dataset=robust_ms3)
test_dataloader = dict(dataset=robust_ms3)
