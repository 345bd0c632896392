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
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=0.04,
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
train_cfg = dict(max_epochs=max_epochs)
train_dataloader = dict(batch_size=1)
log_processor = dict(by_epoch=True)
