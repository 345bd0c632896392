# Official AVSegFormer schedule: AdamW (torch defaults: betas (0.9, 0.999),
# eps 1e-8, weight decay 0.01), lr 2e-5 constant, 30 epochs (S4, AVSS; MS3
# configs set 60); epoch-based as the AVSBench schedule it inherits. The
# official scripts train with the visual backbone frozen for the first
# epochs (S4 5, MS3 10, AVSS 0): BackboneFreezeHook.
_base_ = './schedule_adam_1e-4_30e.py'
optimizer = dict(type='AdamW', lr=2e-5, weight_decay=0.01)
optim_wrapper = dict(optimizer=optimizer)
