# Tiny ablation (paper Table 3 ladder) on SynthAVS MS3: Baseline + SGSM + CST
# (= AMA), no UE. The full model is
# ravs_simpleconv_1xb4-300it_synthavs-ms3-64x64.py.
_base_ = './ravs_simpleconv_1xb4-300it_synthavs-ms3-64x64.py'
model = dict(decode_head=dict(use_uncertainty=False))
