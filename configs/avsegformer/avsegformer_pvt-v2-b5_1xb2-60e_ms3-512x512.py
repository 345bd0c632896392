# AVSegFormer + PVT-v2-B5 on AVSBench-Object MS3, the official recipe
# (config/ms3/AVSegFormer_pvt2_ms3.py, scripts/ms3/train.py): 512 x 512, batch
# 2, AdamW lr 2e-5, 60 epochs, visual backbone frozen for the first 10
# epochs; Dice on all 5 frames + 0.1 x mix loss. Trained from ImageNet
# weights (the official MS3 script loads no S4 model). Mixer: official.
_base_ = [
    '../_base_/models/avsegformer_pvt-v2-b5.py',
    '../_base_/datasets/avsbench_ms3_512x512.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adamw_2e-5_30e.py',
]
train_cfg = dict(max_epochs=60)
custom_hooks = [dict(type='BackboneFreezeHook', freeze_epochs=10)]
