# SynthAVS-Robust on the MS3-like layout: the datasets of synthavs_ms3.py
# wrapped by RobustAVSDataset as in robust_synthavs_s4.py. MS3 clips carry
# no category: the off-screen sources are chosen from the visible objects of
# the SynthAVS metadata (ms3_meta_data.csv, column 'objects', '+'-joined),
# grouped by 'synthavs', drawn uniformly among the qualifying clips (the
# official MS3 generator).
_base_ = ['./synthavs_ms3.py']
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
        dataset=_base_.train_dataloader.dataset,
        negative_ratio=0.1,
        train_negatives=('silence', 'offscreen'),
        train_length='append',
        **robust_common))
val_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='RobustAVSDataset',
        dataset=_base_.val_dataloader.dataset,
        conditions=('positive', 'silence', 'noise', 'offscreen'),
        **robust_common))
test_dataloader = dict(
    val_dataloader,
    dataset=dict(
        val_dataloader['dataset'], dataset=_base_.test_dataloader.dataset))
val_evaluator = dict(_delete_=True, type='RobustAVSMetric', mode='frame')
test_evaluator = val_evaluator
