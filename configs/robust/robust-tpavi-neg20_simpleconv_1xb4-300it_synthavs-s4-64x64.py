# Tiny ratio study: 20% negative pairs + similarity BCE.
_base_ = ['./robust-tpavi_simpleconv_1xb4-300it_synthavs-s4-64x64.py']
train_dataloader = dict(dataset=dict(negative_ratio=0.20))
