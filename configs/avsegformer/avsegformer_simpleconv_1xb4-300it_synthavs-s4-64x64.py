# Tiny AVSegFormer (configs/_base_/models/avsegformer_simpleconv.py) on
# SynthAVS, S4-like layout (Dice + mix loss on the labelled frame 1 of each
# train clip). Schedule of the other tiny transformer configs (AdamW 1e-3,
# 30 warm-up iterations, 300 iterations): the official AdamW 2e-5 suits
# pretrained backbones, not a tiny model trained from scratch; no backbone
# freezing (nothing is pretrained).
# Generate the data first: python tools/dataset_converters/make_synthavs.py
_base_ = [
    '../_base_/models/avsegformer_simpleconv.py',
    '../_base_/datasets/synthavs_s4.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adamw_1e-3_warmup30it_300it.py',
]
