# Tiny ablation (paper Table 3 ladder) on SynthAVS AVSS: Baseline + SGSM
# (DPC-KNN grouping + sound-guided semantic merging), no CST, no UE. The full
# model is ravs_simpleconv_1xb4-300it_synthavs-avss-64x64.py.
_base_ = './ravs_simpleconv_1xb4-300it_synthavs-avss-64x64.py'
model = dict(decode_head=dict(use_uncertainty=False), av_losses=[])
