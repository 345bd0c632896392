# RAVS schedule (supplement 1.1): AdamW, lr 1e-4, eps 1e-8,
# betas (0.9, 0.999), 2 warmup epochs starting at 4e-6 (linear, per
# iteration). After the warmup the paper gives no schedule: poly decay
# (power 1) to 0, the SegFormer/MiT default. Weight decay 0.01 (not given).
# 40 epochs (VPO; S4/MS3 use it too, the paper gives no number for them);
# AVSS configs set 80 epochs and the matching scheduler end. Loops, hooks and
# epoch-counted logs as the epoch-based AVSBench schedule.
_base_ = './schedule_adam_1e-4_15e.py'
optimizer = dict(
    type='AdamW', lr=1e-4, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)
optim_wrapper = dict(type='OptimWrapper', optimizer=optimizer)
max_epochs = 40
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=0.04,  # 4e-6 / 1e-4
        end_factor=1.0,
        by_epoch=True,
        begin=0,
        end=2,
        convert_to_iter_based=True),
    dict(
        type='PolyLR',
        power=1.0,
        eta_min=0.0,
        by_epoch=True,
        begin=2,
        end=max_epochs,
        convert_to_iter_based=True),
]
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=max_epochs, val_interval=1)
