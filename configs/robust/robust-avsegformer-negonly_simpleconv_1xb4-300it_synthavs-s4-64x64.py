# Tiny ablation row 2: 10% negative pairs without L_BCE (mix loss stays).
_base_ = ['./robust-avsegformer_simpleconv_1xb4-300it_synthavs-s4-64x64.py']
model = dict(av_losses=[dict(type='MixLoss', loss_weight=0.1)])
