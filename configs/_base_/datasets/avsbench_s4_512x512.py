# AVSBench-Object S4 read as the official AVSegFormer loader does: 512 x 512,
# no augmentation (avsbench_512x512_pipelines.py), batch 2 (official S4 and
# MS3 configs), epoch-based (finite sampler).
_base_ = ['./avsbench_s4.py', './avsbench_512x512_pipelines.py']
train_dataloader = _base_.avsegformer_train_loader
val_dataloader = _base_.avsegformer_eval_loader
test_dataloader = val_dataloader
