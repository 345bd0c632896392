# Robust AVS applied to AVSegFormer + PVT-v2-B5 on AVSBench-MS3 (official
# config/ms3/ood_AVSegFormer_pvt2_ms3.py): the official AVSegFormer MS3
# recipe (512 x 512, AdamW 2e-5, 60 epochs, backbone frozen for 10) with
# batch 1, 10% negative pairs and L_BCE on the projected audio (see the S4
# config). Off-screen sources as robust-tpavi_pvt-v2-b5_1xb4-30e_ms3: sounding
# objects of the AVSBench-Semantic metadata.csv rows labelled 'v1m'.
_base_ = [
    '../avsegformer/avsegformer_pvt-v2-b5_1xb2-60e_ms3-512x512.py',
    '../_base_/datasets/robust_wrappers.py',
]
model = dict(av_losses=[
    dict(type='MixLoss', loss_weight=0.1),
    dict(_base_.robust_similarity_loss, audio_channels=256,
         audio_key='audio_embed')
])
robust_common = _base_.avsbench_ms3_robust
train_dataloader = dict(
    batch_size=1,
    dataset=dict(_base_.robust_train_wrapper, _delete_=True,
                 dataset=_base_.train_dataloader.dataset, **robust_common))
val_dataloader = dict(dataset=dict(
    _base_.robust_eval_wrapper, _delete_=True,
    dataset=_base_.val_dataloader.dataset, **robust_common))
test_dataloader = val_dataloader  # the robust val split
val_evaluator = dict(_base_.robust_evaluator, _delete_=True)
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(save_best='G-mIoU@frame', rule='greater'))
