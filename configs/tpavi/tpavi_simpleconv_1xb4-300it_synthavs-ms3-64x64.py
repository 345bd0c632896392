# Tiny TPAVI on SynthAVS, MS3-like layout (all 5 frames annotated): BCE plus
# the audio-visual matching loss LAVM as in the official MS3 script (weight
# 0.5, stages 0-3, predicted masks, sum over frames).
# Generate the data first: python tools/dataset_converters/make_synthavs.py
_base_ = [
    '../_base_/models/tpavi_simpleconv.py',
    '../_base_/datasets/synthavs_ms3.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adam_1e-4_200it.py',
]
model = dict(av_losses=[
    dict(
        type='AVMKLLoss',
        stages=(0, 1, 2, 3),
        loss_weight=0.5,
        mask_source='pred',
        reduction='sum')
])
optim_wrapper = dict(optimizer=dict(lr=1e-3))
train_cfg = dict(max_iters=300, val_interval=300)
default_hooks = dict(checkpoint=dict(interval=300))
