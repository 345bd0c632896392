# AVSBench-Robust S4 as the robust paper trains and tests: the official
# AVSBench S4 loader (avsbench_s4_official.py) wrapped by RobustAVSDataset.
# Training: every clip once with its own audio plus 10% negative pairs
# (official: half silence, half off-screen audio of a category from another
# semantic group; empty target masks); validation and test: every clip under
# positive / silence / noise / off-screen audio (25% each), scored per
# condition by RobustAVSMetric (the paper's table), the best checkpoint by
# G-mIoU. Categories grouped by the official S4 mapping.
_base_ = ['./avsbench_s4_official.py']
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='RobustAVSDataset',
        dataset=_base_.train_dataloader.dataset,
        negative_ratio=0.1,
        train_negatives=('silence', 'offscreen'),
        train_length='append',
        category_groups='s4',
        seed=0))
val_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='RobustAVSDataset',
        dataset=_base_.val_dataloader.dataset,
        conditions=('positive', 'silence', 'noise', 'offscreen'),
        category_groups='s4',
        seed=0))
test_dataloader = dict(
    val_dataloader,
    dataset=dict(
        val_dataloader['dataset'], dataset=_base_.test_dataloader.dataset))
val_evaluator = dict(_delete_=True, type='RobustAVSMetric', mode='frame')
test_evaluator = val_evaluator
