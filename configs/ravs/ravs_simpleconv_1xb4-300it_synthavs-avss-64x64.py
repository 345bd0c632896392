# Tiny RAVS (configs/_base_/models/ravs_simpleconv.py) on SynthAVS AVSS-like
# (background + 8 classes, T=10), 64x64.
# Generate the data first: python tools/dataset_converters/make_synthavs.py
_base_ = [
    '../_base_/models/ravs_simpleconv.py',
    '../_base_/datasets/synthavs_avss.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adamw_1e-3_warmup30it_300it.py',
]
model = dict(
    decode_head=dict(
        _base_.ravs_semantic_head, num_frames=10, num_classes=9,
        out_channels=9))
