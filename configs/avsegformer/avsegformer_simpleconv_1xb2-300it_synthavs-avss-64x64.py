# Tiny AVSegFormer on SynthAVS, AVSS-like layout (background + 5 classes,
# 10-frame clips, v1 clips padded): cross-entropy + 0.1 x mix loss (Dice of
# the mixed features against the foreground), as the full-size AVSS configs.
# Generate the data first: python tools/dataset_converters/make_synthavs.py
_base_ = [
    '../_base_/models/avsegformer_simpleconv.py',
    '../_base_/datasets/synthavs_avss.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adamw_1e-3_warmup30it_300it.py',
]
model = dict(
    decode_head=dict(
        _base_.avsegformer_semantic_head, num_classes=9, out_channels=9))
