# AVSBench-Object MS3 read as the official AVSegFormer loader does (see
# avsbench_s4_512x512.py).
_base_ = ['./avsbench_ms3.py', './avsbench_512x512_pipelines.py']
train_dataloader = _base_.avsegformer_train_loader
val_dataloader = _base_.avsegformer_eval_loader
test_dataloader = val_dataloader
