# SynthAVS-Robust on the S4-like layout: the datasets of synthavs_s4.py
# wrapped by RobustAVSDataset. Training: every clip once with its own audio
# plus 10% negative pairs (silence / off-screen sound, empty targets);
# validation and test: every clip under positive / silence / noise /
# off-screen audio (25% each), scored per condition by RobustAVSMetric.
# SynthAVS categories are grouped by how they sound
# (SYNTHAVS_CATEGORY_GROUPS: tonal / noisy / impulsive / sweeping).
_base_ = ['./synthavs_s4.py']
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='RobustAVSDataset',
        dataset=_base_.train_dataloader.dataset,
        negative_ratio=0.1,
        train_negatives=('silence', 'offscreen'),
        train_length='append',
        category_groups='synthavs',
        seed=0))
val_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='RobustAVSDataset',
        dataset=_base_.val_dataloader.dataset,
        conditions=('positive', 'silence', 'noise', 'offscreen'),
        category_groups='synthavs',
        seed=0))
test_dataloader = dict(
    val_dataloader,
    dataset=dict(
        val_dataloader['dataset'], dataset=_base_.test_dataloader.dataset))
val_evaluator = dict(_delete_=True, type='RobustAVSMetric', mode='frame')
test_evaluator = val_evaluator
