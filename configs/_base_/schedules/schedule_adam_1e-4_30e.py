# Official AVSBench MS3 schedule: Adam, lr 1e-4 constant, 30 epochs (the S4
# schedule, twice as long).
_base_ = './schedule_adam_1e-4_15e.py'
train_cfg = dict(max_epochs=30)
