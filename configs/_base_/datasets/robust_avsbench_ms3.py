# AVSBench-Robust MS3: robust_avsbench_s4.py (the official resize-only loader
# wrapped by RobustAVSDataset) on the MS3 clips (avsbench_ms3_layout.py),
# off-screen sources drawn by clip from the AVSBench-Semantic metadata
# (robust_wrappers.py: avsbench_ms3_robust).
_base_ = ['./robust_avsbench_s4.py', './avsbench_ms3_layout.py']
robust_common = _base_.avsbench_ms3_robust
dataset_type = _base_.avsbench_ms3_layout['type']
ann_file = _base_.avsbench_ms3_layout['ann_file']
data_prefix = _base_.avsbench_ms3_layout['data_prefix']
robust_ms3 = dict(dataset=_base_.avsbench_ms3_layout, **robust_common)
train_dataloader = dict(dataset=robust_ms3)
val_dataloader = dict(dataset=robust_ms3)
test_dataloader = val_dataloader
