# Tiny CPU version of robust-avsegformer_pvt-v2-b5_1xb1-60e_ms3-512x512.py on
# SynthAVS (MS3-like layout, 64x64): the tiny AVSegFormer, 10% negative pairs
# and L_BCE (last SimpleConvNet stage, 128 ch; projected audio, 32). MS3
# clips carry no category: off-screen sources come from the visible objects
# of the SynthAVS metadata, as robust-tpavi_simpleconv_..._synthavs-ms3.
# Generate the data first: python tools/dataset_converters/make_synthavs.py
_base_ = [
    '../avsegformer/avsegformer_simpleconv_1xb4-300it_synthavs-ms3-64x64.py',
    '../_base_/datasets/robust_wrappers.py',
]
model = dict(av_losses=[
    dict(type='MixLoss', loss_weight=0.1),
    dict(_base_.robust_similarity_loss, visual_channels=128, audio_channels=32,
         audio_key='audio_embed')
])
robust_common = _base_.synthavs_ms3_robust
train_dataloader = dict(
    dataset=dict(_base_.robust_train_wrapper, _delete_=True,
                 dataset=_base_.train_dataloader.dataset, **robust_common))
val_dataloader = dict(dataset=dict(
    _base_.robust_eval_wrapper, _delete_=True,
    dataset=_base_.val_dataloader.dataset, **robust_common))
test_dataloader = val_dataloader  # the robust val split
val_evaluator = dict(_base_.robust_evaluator, _delete_=True)
test_evaluator = val_evaluator
