# Tiny CPU version of robust-tpavi_pvt-v2-b5_1xb4-15e_s4-224x224.py on
# SynthAVS (S4-like layout, 64x64): the tiny TPAVI of configs/tpavi, 10%
# negative pairs (silence / off-screen, empty targets) and the similarity BCE
# on the last SimpleConvNet stage (128 ch) and the AudioMLP embedding (128).
# SynthAVS categories are grouped by SYNTHAVS_CATEGORY_GROUPS ('synthavs':
# tonal / noisy / impulsive / sweeping). Validation and test run on
# SynthAVS-Robust (positive / silence / noise / off-screen).
# Generate the data first: python tools/dataset_converters/make_synthavs.py
_base_ = [
    '../_base_/models/tpavi_simpleconv.py',
    '../_base_/datasets/robust_synthavs_s4.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adam_1e-3_300it.py',
]
model = dict(av_losses=[
    dict(_base_.robust_similarity_loss, visual_channels=128)
])
