# RAVS, MiT-B5 + VGGish on VPO-MS (background + 21 classes, T=1, 40 epochs as
# the paper). Full model: AMA (SGSM + CST) + UE. See configs/ravs/README.md.
# VGGish on VPO: an item has 3 s of audio, i.e. VGGish
# examples [1, 3, 96, 64]; VGGish averages the embeddings of the 3 examples.
_base_ = [
    '../_base_/models/ravs_mit-b5_vggish.py',
    '../_base_/datasets/vpo_ms.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adamw_1e-4_warmup2e_40e.py',
]
model = dict(
    decode_head=dict(
        num_frames=1,
        num_classes=22,
        out_channels=22,
        threshold=None,
        loss_decode=[
            dict(
                type='CrossEntropyLoss',
                use_sigmoid=False,
                avg_non_ignore=True,
                loss_weight=1.0),
            dict(type='SoftDiceLoss', loss_weight=1.0),
            dict(type='IoULoss', loss_weight=1.0),
        ]))
# epoch-based training needs a finite sampler
train_dataloader = dict(
    batch_size=8, sampler=dict(type='DefaultSampler', shuffle=True))
log_processor = dict(by_epoch=True)
