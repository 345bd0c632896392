# Tiny CPU version of robust-ravs_mit-b5-vggish_8xb2-40e_s4-224x224.py on
# SynthAVS (S4-like layout, 64x64): the tiny RAVS of configs/ravs (CST kept),
# 10% negative pairs and the similarity BCE on the last SimpleConvNet stage
# (64 ch) and the AudioMLP embedding (128).
# Generate the data first: python tools/dataset_converters/make_synthavs.py
_base_ = ['../ravs/ravs_simpleconv_1xb4-300it_synthavs-s4-64x64.py']
robust_common = dict(category_groups='synthavs', seed=0)
model = dict(av_losses=[
    dict(
        type='InfoNCEGroupLoss',
        stage=-1,
        temperature=0.1,
        sharpness=10.0,
        threshold=0.5,
        loss_weight=0.1),
    dict(
        type='AVSimilarityLoss',
        visual_channels=64,
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
