# RAVS (ravs_mit-b5_vggish.py) for semantic tasks (AVSS, VPO): softmax
# over the classes with CE + Dice + IoU (lambda_seg = 1 each), no threshold.
# Configs set num_classes / out_channels (background included) and the clip
# length num_frames of their dataset.
_base_ = './ravs_mit-b5_vggish.py'
model = dict(decode_head=_base_.ravs_semantic_head)
