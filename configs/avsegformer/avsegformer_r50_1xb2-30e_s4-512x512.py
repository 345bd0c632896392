# AVSegFormer + ResNet-50 on AVSBench-Object S4, the official recipe
# (config/s4/AVSegFormer_res50_s4.py): as the PVT-v2-B5 config.
_base_ = [
    '../_base_/models/avsegformer_r50.py',
    '../_base_/datasets/avsbench_s4_512x512.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adamw_2e-5_30e.py',
]
custom_hooks = [dict(type='BackboneFreezeHook', freeze_epochs=5)]
log_processor = dict(by_epoch=True)
