# Ablation: the former binary UE rule (Eq. 11 applied to both classes, which
# cannot change a binary decision; UE acts through its training loss only)
# instead of the default 'fg_divide' rule. See configs/ravs/README.md.
_base_ = './ravs_simpleconv_1xb4-300it_synthavs-ms3-64x64.py'
model = dict(decode_head=dict(binary_rule='class_ratio'))
