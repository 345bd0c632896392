# Tiny RAVS (configs/_base_/models/ravs_simpleconv.py) on SynthAVS S4-like
# (binary, T=5, frame 1 labelled in train), 64x64.
# Generate the data first: python tools/dataset_converters/make_synthavs.py
_base_ = [
    '../_base_/models/ravs_simpleconv.py',
    '../_base_/datasets/synthavs_s4.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adamw_1e-3_warmup30it_300it.py',
]
