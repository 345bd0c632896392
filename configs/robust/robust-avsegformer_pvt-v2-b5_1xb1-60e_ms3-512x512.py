# Robust AVS applied to AVSegFormer + PVT-v2-B5 on AVSBench-MS3 (official
# config/ms3/ood_AVSegFormer_pvt2_ms3.py): the official AVSegFormer MS3
# recipe (512 x 512, AdamW 2e-5, 60 epochs, backbone frozen for 10) with
# batch 1, 10% negative pairs and L_BCE on the projected audio (see the S4
# config). Off-screen sources as robust-tpavi_pvt-v2-b5_1xb4-30e_ms3: sounding
# objects of the AVSBench-Semantic metadata.csv rows labelled 'v1m'.
_base_ = ['../avsegformer/avsegformer_pvt-v2-b5_1xb2-60e_ms3-512x512.py']
model = dict(av_losses=[
    dict(type='MixLoss', loss_weight=0.1),
    dict(
        type='AVSimilarityLoss',
        visual_channels=512,
        audio_channels=256,
        audio_key='audio_embed',
        similarity='cosine',
        loss_weight=1.0)
])
robust_common = dict(
    category_groups='ms3',
    avoid_groups='ms3',
    category_file=dict(
        path='data/AVSBench-semantic/metadata.csv',
        id_column='vid',
        category_column='a_obj',
        separator='_',
        filters=dict(label='v1m')),
    offscreen_sampling='clip',
    seed=0)
train_dataloader = dict(
    batch_size=1,
    dataset=dict(
        _delete_=True,
        type='RobustAVSDataset',
        dataset={{_base_.train_dataloader.dataset}},
        negative_ratio=0.1,
        train_negatives=('silence', 'offscreen'),
        train_length='append',
        **robust_common))
val_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='RobustAVSDataset',
        dataset={{_base_.val_dataloader.dataset}},
        conditions=('positive', 'silence', 'noise', 'offscreen'),
        **robust_common))
test_dataloader = val_dataloader
val_evaluator = dict(_delete_=True, type='RobustAVSMetric', mode='frame')
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(save_best='G-mIoU@frame', rule='greater'))
