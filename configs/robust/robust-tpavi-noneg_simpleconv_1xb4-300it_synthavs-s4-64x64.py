# Tiny ablation / ratio study, 0%: the tiny TPAVI trained without negatives
# and without the similarity BCE, evaluated on SynthAVS-Robust.
_base_ = ['./robust-tpavi_simpleconv_1xb4-300it_synthavs-s4-64x64.py']
model = dict(av_losses=[])
train_dataloader = dict(dataset=dict(negative_ratio=0.0))
