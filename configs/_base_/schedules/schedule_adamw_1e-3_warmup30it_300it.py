# Tiny-config schedule: AdamW (lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight
# decay 0.01), 30 warmup iterations from 0.04 * lr, 300 iterations.
_base_ = './schedule_adam_1e-3_300it.py'
optimizer = dict(
    _delete_=True,
    type='AdamW',
    lr=1e-3,
    betas=(0.9, 0.999),
    eps=1e-8,
    weight_decay=0.01)
optim_wrapper = dict(type='OptimWrapper', optimizer=optimizer)
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=0.04,
        end_factor=1.0,
        by_epoch=False,
        begin=0,
        end=30)
]
