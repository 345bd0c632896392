# AVSBench-Object S4 as the official AVSBench code trains on it
# (avs_scripts/avs_s4/dataloader.py): frames and masks only resized to
# 224 x 224, no augmentation; batch 4. Used by the TPAVI configs and AVSBench-Robust.
_base_ = ['./avsbench_s4.py', './avsbench_official_pipeline.py']
train_dataloader = dict(
    batch_size=4, dataset=dict(pipeline=_base_.official_train_pipeline))
