# RAVS (ravs_mit-b5_vggish.py) for semantic tasks (AVSS, VPO): softmax
# over the classes with CE + Dice + IoU (lambda_seg = 1 each), no threshold.
# Configs set num_classes / out_channels (background included) and the clip
# length num_frames of their dataset.
_base_ = './ravs_mit-b5_vggish.py'
model = dict(
    decode_head=dict(
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
