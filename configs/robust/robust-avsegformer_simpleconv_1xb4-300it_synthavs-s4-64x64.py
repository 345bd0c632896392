# Tiny CPU version of robust-avsegformer_pvt-v2-b5_1xb1-30e_s4-512x512.py on
# SynthAVS (S4-like layout, 64x64): the tiny AVSegFormer of
# configs/avsegformer, 10% negative pairs (silence / off-screen, empty
# targets) and L_BCE on the last SimpleConvNet stage (128 ch) and the
# projected audio (32); batch 4 (as the other tiny configs). Validation and
# test run on SynthAVS-Robust (positive / silence / noise / off-screen).
# Generate the data first: python tools/dataset_converters/make_synthavs.py
_base_ = [
    '../avsegformer/avsegformer_simpleconv_1xb4-300it_synthavs-s4-64x64.py',
    '../_base_/datasets/robust_wrappers.py',
]
model = dict(av_losses=[
    dict(type='MixLoss', loss_weight=0.1),
    dict(_base_.robust_similarity_loss, visual_channels=128, audio_channels=32,
         audio_key='audio_embed')
])
robust_common = _base_.synthavs_s4_robust
train_dataloader = dict(
    dataset=dict(_base_.robust_train_wrapper, _delete_=True,
                 dataset=_base_.train_dataloader.dataset, **robust_common))
val_dataloader = dict(dataset=dict(
    _base_.robust_eval_wrapper, _delete_=True,
    dataset=_base_.val_dataloader.dataset, **robust_common))
test_dataloader = val_dataloader  # the robust val split
val_evaluator = dict(_base_.robust_evaluator, _delete_=True)
test_evaluator = val_evaluator
