# A short iteration-based schedule for tiny CPU configs: the loops, optimizer
# and hooks of the epoch-based AVSBench schedule, counted in iterations (one
# validation and one checkpoint at the end, logs every 20 iterations).
_base_ = './schedule_adam_1e-4_15e.py'
train_cfg = dict(
    _delete_=True, type='IterBasedTrainLoop', max_iters=200, val_interval=200)
log_processor = dict(by_epoch=False)
default_hooks = dict(
    logger=dict(interval=20, log_metric_by_epoch=False),
    checkpoint=dict(
        _delete_=True,
        type='CheckpointHook',
        by_epoch=False,
        interval=200,
        max_keep_ckpts=2))
