# AVSegFormer + PVT-v2-B5 on AVSBench-Semantic, the official recipe
# (config/avss/AVSegFormer_pvt2_avss.py, scripts/avss/train.py): 224 x 224
# (short side resize + centre crop for training), batch 4, AdamW lr 2e-5, 30
# epochs, no backbone freezing (freeze_epochs=0); 71 classes, cross-entropy
# averaged per frame then over the annotated frames (= mmseg CE with
# avg_non_ignore over the supervised frames) + 0.1 x the mix loss (Dice of
# the channel-mean mixed features against the foreground, label > 0).
# Deviation: the official model multiplies the features and predictions of
# padding frames by 0; here padding frames are excluded from the losses and
# metrics (AVSegFormer has no temporal interaction, so the valid frames'
# outputs are the same).
_base_ = [
    '../_base_/models/avsegformer_pvt-v2-b5.py',
    '../_base_/datasets/avss_224x224_center-crop.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adamw_2e-5_30e.py',
]
model = dict(
    decode_head=dict(
        _base_.avsegformer_semantic_head, num_classes=71, out_channels=71))
train_cfg = dict(val_interval=2)
