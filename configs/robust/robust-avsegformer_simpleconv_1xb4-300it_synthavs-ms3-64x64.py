# Tiny CPU version of robust-avsegformer_pvt-v2-b5_1xb1-60e_ms3-512x512.py on
# SynthAVS (MS3-like layout, 64x64): the tiny AVSegFormer, 10% negative pairs
# and L_BCE (last SimpleConvNet stage, 128 ch; projected audio, 32). MS3
# clips carry no category: off-screen sources come from the visible objects
# of the SynthAVS metadata, as robust-tpavi_simpleconv_..._synthavs-ms3.
# Generate the data first: python tools/dataset_converters/make_synthavs.py
_base_ = [
    '../_base_/models/avsegformer_simpleconv.py',
    '../_base_/datasets/robust_synthavs_ms3.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adamw_1e-3_warmup30it_300it.py',
]
model = dict(av_losses=[
    dict(type='MixLoss', loss_weight=0.1),
    dict(_base_.robust_similarity_loss, visual_channels=128,
         audio_channels=32, audio_key='audio_embed')
])
