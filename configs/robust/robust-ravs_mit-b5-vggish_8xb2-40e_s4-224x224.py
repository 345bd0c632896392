# Robust AVS applied to RAVS (MiT-B5 + VGGish, AMA + UE) on AVSBench-S4: the
# RAVS recipe plus 10% negative pairs (silence / off-screen, empty targets)
# and the classifier-guided similarity BCE on the pooled last MiT-B5 stage
# (512 ch) and the projected VGGish embedding (128), lambda = 1 (the robust
# paper's default; it does not train RAVS, this is the plug-in applied to
# another segmentor). The RAVS CST loss is kept.
_base_ = ['../ravs/ravs_mit-b5-vggish_8xb2-40e_s4-224x224.py']
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
        negative_ratio=0.1,
        train_negatives=('silence', 'offscreen'),
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
