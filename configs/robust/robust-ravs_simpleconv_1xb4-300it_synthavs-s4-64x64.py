# Tiny CPU version of robust-ravs_mit-b5-vggish_8xb2-40e_s4-224x224.py on
# SynthAVS (S4-like layout, 64x64): the tiny RAVS of configs/ravs (CST kept),
# 10% negative pairs and the similarity BCE on the last SimpleConvNet stage
# (64 ch) and the AudioMLP embedding (128).
# Generate the data first: python tools/dataset_converters/make_synthavs.py
_base_ = [
    '../_base_/models/ravs_simpleconv.py',
    '../_base_/datasets/robust_synthavs_s4.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adamw_1e-3_warmup30it_300it.py',
]
# the RAVS losses (CST) plus the similarity BCE
model = dict(av_losses=_base_.model.av_losses + [
    dict(_base_.robust_similarity_loss, visual_channels=64)
])
