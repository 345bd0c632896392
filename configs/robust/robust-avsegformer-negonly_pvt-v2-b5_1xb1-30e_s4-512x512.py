# Ablation (row 2) for AVSegFormer: 10% negative pairs (empty targets)
# without L_BCE (the mix loss stays), AVSBench-Robust (s4).
_base_ = ['./robust-avsegformer_pvt-v2-b5_1xb1-30e_s4-512x512.py']
model = dict(av_losses=[dict(type='MixLoss', loss_weight=0.1)])
