# Tiny ablation row 1: the tiny AVSegFormer without negatives and without
# L_BCE (the mix loss stays), evaluated on SynthAVS-Robust.
_base_ = ['./robust-avsegformer_simpleconv_1xb4-300it_synthavs-s4-64x64.py']
model = dict(av_losses=[dict(type='MixLoss', loss_weight=0.1)])
train_dataloader = dict(dataset=dict(negative_ratio=0.0))
