# SynthAVS-Robust on the MS3-like layout: robust_synthavs_s4.py on the MS3
# clips (synthavs_ms3_layout.py); MS3 clips carry no category, so off-screen
# sources are drawn by clip from the visible objects of the SynthAVS metadata
# (robust_wrappers.py: synthavs_ms3_robust).
_base_ = ['./robust_synthavs_s4.py', './synthavs_ms3_layout.py']
robust_common = _base_.synthavs_ms3_robust
dataset_type = _base_.synthavs_ms3_layout['type']
ann_file = _base_.synthavs_ms3_layout['ann_file']
data_prefix = _base_.synthavs_ms3_layout['data_prefix']
robust_ms3 = dict(dataset=_base_.synthavs_ms3_layout, **robust_common)
train_dataloader = dict(dataset=robust_ms3)
val_dataloader = dict(dataset=robust_ms3)
test_dataloader = val_dataloader
