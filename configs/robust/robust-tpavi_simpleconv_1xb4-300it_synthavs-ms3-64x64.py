# Tiny CPU version of robust-tpavi_pvt-v2-b5_1xb4-30e_ms3-224x224.py on
# SynthAVS (MS3-like layout, 64x64): the tiny TPAVI of
# configs/tpavi/tpavi_simpleconv_1xb4-300it_synthavs-s4-64x64.py (no LAVM),
# 10% negative pairs (silence / off-screen, empty targets) and the
# similarity BCE (last SimpleConvNet stage, 128 ch; AudioMLP, 128).
# MS3 clips carry no category: the off-screen sources are chosen from the
# visible objects of the SynthAVS metadata (ms3_meta_data.csv, column
# 'objects', '+'-joined), grouped by 'synthavs', drawn uniformly among the
# qualifying clips (official MS3 generator).
# Generate the data first: python tools/dataset_converters/make_synthavs.py
_base_ = [
    '../_base_/models/tpavi_simpleconv.py',
    '../_base_/datasets/synthavs_ms3.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adam_1e-4_200it.py',
]
model = dict(av_losses=[
    dict(
        type='AVSimilarityLoss',
        visual_channels=128,
        audio_channels=128,
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
test_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='RobustAVSDataset',
        dataset={{_base_.test_dataloader.dataset}},
        conditions=('positive', 'silence', 'noise', 'offscreen'),
        **robust_common))
val_evaluator = dict(_delete_=True, type='RobustAVSMetric', mode='frame')
test_evaluator = val_evaluator
optim_wrapper = dict(optimizer=dict(lr=1e-3))
train_cfg = dict(max_iters=300, val_interval=300)
default_hooks = dict(checkpoint=dict(interval=300))
