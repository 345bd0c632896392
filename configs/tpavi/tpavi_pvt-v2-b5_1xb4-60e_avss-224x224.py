# TPAVI + PVT-v2-B5 on AVSBench-Semantic (official avss/train.sh: batch 4,
# Adam 1e-4, 60 epochs, 71 classes, CE averaged per frame then over the
# annotated frames (= mmseg CE with avg_non_ignore over non-padding frames),
# LAVM with weight 0.5 on stages 0-3 averaged over valid frames
# (reduction='mean'), mask = foreground of the predicted argmax).
# The official model runs TPAVI on groups of 5 frames of each 10-frame clip
# (it reshapes with a hard-coded 5): clip_len=5. Its TPAVI audio projection
# has no bias (avss/model/TPAVI.py): align_bias=False.
# Deviation: the official code multiplies features/audio of padding frames
# by 0 inside the model; here padding frames are only excluded from losses
# and metrics (the neck has no access to the `valid` flags).
_base_ = [
    '../_base_/models/tpavi_pvt-v2-b5.py',
    '../_base_/datasets/avss.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adam_1e-4_30e.py',
]
model = dict(
    neck=dict(clip_len=5, align_bias=False),
    decode_head=dict(
        num_classes=71,
        out_channels=71,
        threshold=None,
        loss_decode=_base_.semantic_ce_loss),
    av_losses=[
        dict(
            type='AVMKLLoss',
            stages=(0, 1, 2, 3),
            loss_weight=0.5,
            mask_source='pred',
            reduction='mean')
    ])
train_cfg = dict(max_epochs=60, val_interval=2)
