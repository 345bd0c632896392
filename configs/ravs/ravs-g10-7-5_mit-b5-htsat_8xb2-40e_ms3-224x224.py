# Ablation (paper Table 4) on MS3: group numbers [10, 7, 5] for the
# 1/4, 1/8, 1/16 maps (default [14, 7, 5]).
_base_ = './ravs_mit-b5-htsat_8xb2-40e_ms3-224x224.py'
model = dict(neck=dict(num_groups=(10, 7, 5)))
