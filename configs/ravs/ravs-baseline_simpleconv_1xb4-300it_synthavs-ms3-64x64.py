# Tiny ablation (paper Table 3 ladder) on SynthAVS MS3: Baseline: encoders +
# audio-visual cross-attention fusion + decoder (no grouping/merging, no CST,
# no UE). The full model is ravs_simpleconv_1xb4-300it_synthavs-ms3-64x64.py.
_base_ = './ravs_simpleconv_1xb4-300it_synthavs-ms3-64x64.py'
model = dict(
    neck=dict(use_sgsm=False),
    decode_head=dict(use_uncertainty=False),
    av_losses=[])
