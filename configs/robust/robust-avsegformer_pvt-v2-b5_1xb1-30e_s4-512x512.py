# Robust AVS ("Do AVS models truly segment sounding objects?", appendix D)
# applied to AVSegFormer + PVT-v2-B5 on AVSBench-S4, as the official
# AVSBench-Robust code trains it (training_evaluation/code/AVSegFormer,
# AVSegFormer_robust, config/s4/ood_AVSegFormer_pvt2_s4.py): the official
# AVSegFormer S4 recipe (512 x 512, AdamW 2e-5, 30 epochs, backbone frozen
# for 5) with batch 1, 10% negative pairs (half silence, half off-screen
# audio; empty targets) and L_BCE (lambda_BCE = 1.0): cosine between the
# pooled last PVT stage (512 ch) and the model's projected audio (256,
# AVSegFormerNeck extras['audio_embed']) through Linear(256 -> 512) (official
# CosineModule on audio_proj's output), BCE(sigmoid(cos), y). The mix loss
# (lambda_1 = 0.1) is kept: L = L_IoU + 0.1 L_mix + 1.0 L_BCE (eq. 14).
# Evaluated on AVSBench-Robust (positive / silence / noise / off-screen).
_base_ = [
    '../avsegformer/avsegformer_pvt-v2-b5_1xb2-30e_s4-512x512.py',
    '../_base_/datasets/robust_wrappers.py',
]
model = dict(av_losses=[
    dict(type='MixLoss', loss_weight=0.1),
    dict(_base_.robust_similarity_loss, audio_channels=256,
         audio_key='audio_embed')
])
robust_common = _base_.avsbench_s4_robust
train_dataloader = dict(
    batch_size=1,
    dataset=dict(_base_.robust_train_wrapper, _delete_=True,
                 dataset=_base_.train_dataloader.dataset, **robust_common))
val_dataloader = dict(dataset=dict(
    _base_.robust_eval_wrapper, _delete_=True,
    dataset=_base_.val_dataloader.dataset, **robust_common))
test_dataloader = dict(dataset=dict(
    _base_.robust_eval_wrapper, _delete_=True,
    dataset=_base_.test_dataloader.dataset, **robust_common))
val_evaluator = dict(_base_.robust_evaluator, _delete_=True)
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(save_best='G-mIoU@frame', rule='greater'))
