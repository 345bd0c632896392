# AVSegFormer + PVT-v2-B5 on AVSBench-Object S4, the official recipe
# (config/s4/AVSegFormer_pvt2_s4.py, scripts/s4/train.py): 512 x 512 frames
# and masks (no augmentation), batch 2, AdamW lr 2e-5, 30 epochs, visual
# backbone frozen for the first 5 epochs; Dice on frame 1 of each train
# clip + 0.1 x mix loss; scored at 512 x 512. Mixer: official (code).
_base_ = [
    '../_base_/models/avsegformer_pvt-v2-b5.py',
    '../_base_/datasets/avsbench_s4_512x512.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adamw_2e-5_30e.py',
]
custom_hooks = [dict(type='BackboneFreezeHook', freeze_epochs=5)]
