# Tiny CPU version of robust-avsegformer_pvt-v2-b5_1xb1-30e_s4-512x512.py on
# SynthAVS (S4-like layout, 64x64): the tiny AVSegFormer of
# configs/avsegformer, 10% negative pairs (silence / off-screen, empty
# targets) and L_BCE on the last SimpleConvNet stage (128 ch) and the
# projected audio (32); batch 4 (as the other tiny configs). Validation and
# test run on SynthAVS-Robust (positive / silence / noise / off-screen).
# Generate the data first: python tools/dataset_converters/make_synthavs.py
_base_ = [
    '../_base_/models/avsegformer_simpleconv.py',
    '../_base_/datasets/robust_synthavs_s4.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adamw_1e-3_warmup30it_300it.py',
]
model = dict(av_losses=[
    dict(type='MixLoss', loss_weight=0.1),
    dict(_base_.robust_similarity_loss, visual_channels=128,
         audio_channels=32, audio_key='audio_embed')
])
