# Robust AVS ("Do AVS models truly segment sounding objects?") on AVSBench-S4:
# TPAVI + PVT-v2-B5 (paper Sec. 5.1: Adam 1e-4, batch 4, 15 epochs, lambda=1)
# trained with 10% negative pairs (official loader: half silence, half
# off-screen audio of a category from another semantic group; empty target
# masks) and the classifier-guided similarity BCE: cosine between the pooled
# last PVT stage (512 ch) and the linearly projected VGGish embedding (128),
# BCE(sigmoid(cos), y), no temperature (official CosineModule).
# Evaluated on AVSBench-Robust: every test clip under positive / silence /
# noise / off-screen audio (25% each), RobustAVSMetric (paper's table).
_base_ = ['../tpavi/tpavi_pvt-v2-b5_1xb4-15e_s4-224x224.py']
negative_ratio = 0.1
model = dict(av_losses=[
    dict(
        type='AVSimilarityLoss',
        visual_channels=512,
        audio_channels=128,
        similarity='cosine',
        loss_weight=1.0)
])
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='RobustAVSDataset',
        dataset={{_base_.train_dataloader.dataset}},
        negative_ratio=negative_ratio,
        train_negatives=('silence', 'offscreen'),
        train_length='append',
        category_groups='s4',
        seed=0))
val_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='RobustAVSDataset',
        dataset={{_base_.val_dataloader.dataset}},
        conditions=('positive', 'silence', 'noise', 'offscreen'),
        category_groups='s4',
        seed=0))
test_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='RobustAVSDataset',
        dataset={{_base_.test_dataloader.dataset}},
        conditions=('positive', 'silence', 'noise', 'offscreen'),
        category_groups='s4',
        seed=0))
val_evaluator = dict(_delete_=True, type='RobustAVSMetric', mode='frame')
test_evaluator = val_evaluator
default_hooks = dict(checkpoint=dict(save_best='G-mIoU@frame', rule='greater'))
