# Ablation (appendix Table 9 / main Table 4, row 1) for AVSegFormer: no
# negative pairs and no L_BCE (the mix loss stays), evaluated on
# AVSBench-Robust (s4).
_base_ = ['./robust-avsegformer_pvt-v2-b5_1xb1-30e_s4-512x512.py']
model = dict(av_losses=[dict(type='MixLoss', loss_weight=0.1)])
train_dataloader = dict(dataset=dict(negative_ratio=0.0))
