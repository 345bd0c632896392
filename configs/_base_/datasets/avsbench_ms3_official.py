# AVSBench-Object MS3 as the official AVSBench code trains on it
# (avs_scripts/avs_ms3/dataloader.py): the resize-only loader of
# avsbench_s4_official.py on the MS3 clips of avsbench_ms3.py.
_base_ = ['./avsbench_ms3.py', './avsbench_official_pipeline.py']
train_dataloader = dict(
    batch_size=4, dataset=dict(pipeline=_base_.official_train_pipeline))
