# AVSBench-Robust MS3: the official AVSBench MS3 loader
# (avsbench_ms3_official.py) wrapped by RobustAVSDataset as in
# robust_avsbench_s4.py. MS3 clips have no category: as the official
# generator, off-screen sources are chosen from the sounding objects (a_obj,
# '_'-separated) of the AVSBench-Semantic metadata.csv rows with label
# 'v1m', grouped with the official MS3 mapping (avoid groups: music<->human,
# animal->human, device->music), a video drawn uniformly among the
# qualifying ones.
_base_ = ['./avsbench_ms3_official.py']
ms3_category_file = dict(
    path='data/AVSBench-semantic/metadata.csv',
    id_column='vid',
    category_column='a_obj',
    separator='_',
    filters=dict(label='v1m'))
robust_common = dict(
    category_groups='ms3',
    avoid_groups='ms3',
    category_file=ms3_category_file,
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
