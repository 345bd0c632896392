# Tiny CPU version of robust-tpavi_pvt-v2-b5_1xb4-15e_s4-224x224.py on
# SynthAVS (S4-like layout, 64x64): the tiny TPAVI of configs/tpavi, 10%
# negative pairs (silence / off-screen, empty targets) and the similarity BCE
# on the last SimpleConvNet stage (128 ch) and the AudioMLP embedding (128).
# SynthAVS categories are grouped by SYNTHAVS_CATEGORY_GROUPS ('synthavs':
# tonal / noisy / impulsive / sweeping). Validation and test run on
# SynthAVS-Robust (positive / silence / noise / off-screen).
# Generate the data first: python tools/dataset_converters/make_synthavs.py
_base_ = ['../tpavi/tpavi_simpleconv_1xb4-300it_synthavs-s4-64x64.py']
robust_common = dict(category_groups='synthavs', seed=0)
model = dict(av_losses=[
    dict(
        type='AVSimilarityLoss',
        visual_channels=128,
        audio_channels=128,
        similarity='cosine',
        loss_weight=1.0)
])
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
