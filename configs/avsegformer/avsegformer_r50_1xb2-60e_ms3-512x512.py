# AVSegFormer + ResNet-50 on AVSBench-Object MS3, the official recipe
# (config/ms3/AVSegFormer_res50_ms3.py): as the PVT-v2-B5 config.
_base_ = [
    '../_base_/models/avsegformer_r50.py',
    '../_base_/datasets/avsbench_ms3_512x512.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adamw_2e-5_30e.py',
]
train_cfg = dict(max_epochs=60)
custom_hooks = [dict(type='BackboneFreezeHook', freeze_epochs=10)]
log_processor = dict(by_epoch=True)
