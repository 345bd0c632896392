# The tiny TPAVI / FiLM configs' schedule: Adam, lr 1e-3 constant (set in
# optim_wrapper; the `optimizer` variable of the base keeps 1e-4), 300
# iterations, validation and a checkpoint at the end.
_base_ = './schedule_adam_1e-4_200it.py'
optim_wrapper = dict(optimizer=dict(lr=1e-3))
train_cfg = dict(max_iters=300, val_interval=300)
default_hooks = dict(checkpoint=dict(interval=300))
