# Ablation: post-hoc AMA placement and the former binary UE rule
# ('class_ratio'). See configs/ravs/README.md.
_base_ = './ravs-posthoc_simpleconv_1xb4-300it_synthavs-ms3-64x64.py'
model = dict(decode_head=dict(binary_rule='class_ratio'))
