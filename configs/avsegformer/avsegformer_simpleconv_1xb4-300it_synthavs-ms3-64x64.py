# Tiny AVSegFormer on SynthAVS, MS3-like layout (all 5 frames annotated);
# as the S4-like config.
# Generate the data first: python tools/dataset_converters/make_synthavs.py
_base_ = [
    '../_base_/models/avsegformer_simpleconv.py',
    '../_base_/datasets/synthavs_ms3.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adamw_1e-3_warmup30it_300it.py',
]
