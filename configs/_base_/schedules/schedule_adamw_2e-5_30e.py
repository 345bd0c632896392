# Official AVSegFormer schedule: AdamW (torch defaults: betas (0.9, 0.999),
# eps 1e-8, weight decay 0.01), lr 2e-5 constant, 30 epochs (S4, AVSS; MS3
# configs set 60). The official scripts train with the visual backbone
# frozen for the first epochs (S4 5, MS3 10, AVSS 0): BackboneFreezeHook.
# Configs using it set log_processor = dict(by_epoch=True).
optimizer = dict(type='AdamW', lr=2e-5, weight_decay=0.01)
optim_wrapper = dict(type='OptimWrapper', optimizer=optimizer)
param_scheduler = []
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=30, val_interval=1)
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
        save_best='auto'),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    visualization=dict(type='AVSVisualizationHook', draw=False))
