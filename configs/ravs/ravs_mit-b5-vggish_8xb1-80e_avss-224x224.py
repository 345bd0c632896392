# RAVS, MiT-B5 + VGGish on AVSBench-Semantic (71 classes, T=10 with padded v1
# clips, 80 epochs as the paper). Full model: AMA (SGSM + CST) + UE. See
# configs/ravs/README.md.
_base_ = [
    '../_base_/models/ravs_mit-b5_vggish_semantic.py',
    '../_base_/datasets/avss.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adamw_1e-4_warmup2e_40e.py',
]
model = dict(decode_head=dict(num_frames=10, num_classes=71, out_channels=71))
max_epochs = 80
# the schedule's 2-epoch warm-up, then the poly decay to epoch 80
param_scheduler = [
    _base_.param_scheduler[0],
    dict(_base_.param_scheduler[1], end=max_epochs),
]
train_cfg = dict(max_epochs=max_epochs)
train_dataloader = dict(batch_size=1)
