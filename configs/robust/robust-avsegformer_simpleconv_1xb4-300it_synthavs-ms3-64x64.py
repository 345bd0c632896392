# Tiny CPU version of robust-avsegformer_pvt-v2-b5_1xb1-60e_ms3-512x512.py on
# SynthAVS (MS3-like layout, 64x64): the tiny AVSegFormer, 10% negative pairs
# and L_BCE (last SimpleConvNet stage, 128 ch; projected audio, 32). MS3
# clips carry no category: off-screen sources come from the visible objects
# of the SynthAVS metadata, as robust-tpavi_simpleconv_..._synthavs-ms3.
# Generate the data first: python tools/dataset_converters/make_synthavs.py
_base_ = [
    '../avsegformer/avsegformer_simpleconv_1xb4-300it_synthavs-ms3-64x64.py'
]
model = dict(av_losses=[
    dict(type='MixLoss', loss_weight=0.1),
    dict(
        type='AVSimilarityLoss',
        visual_channels=128,
        audio_channels=32,
        audio_key='audio_embed',
        similarity='cosine',
        loss_weight=1.0)
])
robust_common = dict(
    category_groups='synthavs',
    category_file=dict(
        path='Multi-sources/ms3_meta_data.csv',
        id_column='video_id',
        category_column='objects',
        separator='+'),
    offscreen_sampling='clip',
    seed=0)
train_dataloader = dict(
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
