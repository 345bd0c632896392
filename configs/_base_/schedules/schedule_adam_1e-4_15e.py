# Official AVSBench S4 schedule: Adam, lr 1e-4 constant, 15 epochs.
optimizer = dict(type='Adam', lr=1e-4)
optim_wrapper = dict(type='OptimWrapper', optimizer=optimizer)
param_scheduler = []
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=15, val_interval=1)
# logs count epochs, as the loop does
log_processor = dict(by_epoch=True)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(
        type='CheckpointHook',
        by_epoch=True,
        interval=1,
        max_keep_ckpts=2,
        save_best='auto',
        # the first metric (J@frame, mIoU): mmengine cannot infer the
        # rule of 'J@frame' by itself
        rule='greater'),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='AVSVisualizationHook', draw=False))
