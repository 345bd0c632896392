# Ablation (paper Table 3) on AVSS: Baseline: encoders + audio-visual
# cross-attention fusion + decoder (no grouping/merging, no CST, no UE). The
# full model (+AMA+UE) is ravs_mit-b5-htsat_8xb1-80e_avss-224x224.py.
_base_ = './ravs_mit-b5-htsat_8xb1-80e_avss-224x224.py'
model = dict(
    neck=dict(use_sgsm=False),
    decode_head=dict(use_uncertainty=False),
    av_losses=[])
