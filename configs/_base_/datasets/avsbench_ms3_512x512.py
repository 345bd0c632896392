# AVSBench-Object MS3 read as the official AVSegFormer loader does (see
# avsbench_s4_512x512.py).
_base_ = ['./avsbench_ms3.py', './avsbench_512x512_pipelines.py']
train_dataloader = dict(
    batch_size=2,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(pipeline={{_base_.avsegformer_train_pipeline}}))
val_dataloader = dict(
    dataset=dict(pipeline={{_base_.avsegformer_test_pipeline}}))
test_dataloader = val_dataloader
