# Ablation row 1 for AVSegFormer on MS3: no negatives, no L_BCE (the mix loss
# stays), evaluated on AVSBench-Robust (ms3).
_base_ = ['./robust-avsegformer_pvt-v2-b5_1xb1-60e_ms3-512x512.py']
model = dict(av_losses=[dict(type='MixLoss', loss_weight=0.1)])
train_dataloader = dict(dataset=dict(negative_ratio=0.0))
