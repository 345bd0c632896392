# Tiny ablation: 10% negative pairs without the similarity BCE.
_base_ = ['./robust-tpavi_simpleconv_1xb4-300it_synthavs-s4-64x64.py']
model = dict(av_losses=[])
