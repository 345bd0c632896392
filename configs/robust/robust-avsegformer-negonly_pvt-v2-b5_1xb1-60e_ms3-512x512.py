# Ablation row 2 for AVSegFormer on MS3: 10% negatives without L_BCE.
_base_ = ['./robust-avsegformer_pvt-v2-b5_1xb1-60e_ms3-512x512.py']
model = dict(av_losses=[dict(type='MixLoss', loss_weight=0.1)])
