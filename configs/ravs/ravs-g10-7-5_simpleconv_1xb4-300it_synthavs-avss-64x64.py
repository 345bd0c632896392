# Tiny ablation (paper Table 4) on SynthAVS AVSS: group numbers
# [10, 7, 5] (16x16, 8x8, 4x4 token maps).
_base_ = './ravs_simpleconv_1xb4-300it_synthavs-avss-64x64.py'
model = dict(neck=dict(num_groups=(10, 7, 5)))
