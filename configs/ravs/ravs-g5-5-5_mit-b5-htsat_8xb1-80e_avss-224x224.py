# Ablation (paper Table 4) on AVSS: group numbers [5, 5, 5] for the
# 1/4, 1/8, 1/16 maps (default [14, 7, 5]).
_base_ = './ravs_mit-b5-htsat_8xb1-80e_avss-224x224.py'
model = dict(neck=dict(num_groups=(5, 5, 5)))
