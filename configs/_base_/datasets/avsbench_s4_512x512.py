# AVSBench-Object S4 read as the official AVSegFormer loader does: 512 x 512,
# no augmentation (avsbench_512x512_pipelines.py), batch 2 (official S4 and
# MS3 configs), epoch-based (finite sampler).
_base_ = ['./avsbench_s4.py', './avsbench_512x512_pipelines.py']
train_dataloader = dict(
    batch_size=2,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(pipeline={{_base_.avsegformer_train_pipeline}}))
val_dataloader = dict(
    dataset=dict(pipeline={{_base_.avsegformer_test_pipeline}}))
test_dataloader = val_dataloader
