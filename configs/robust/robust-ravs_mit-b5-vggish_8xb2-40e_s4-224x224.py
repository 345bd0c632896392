# Robust AVS applied to RAVS (MiT-B5 + VGGish, AMA + UE) on AVSBench-S4: the
# RAVS recipe plus 10% negative pairs (silence / off-screen, empty targets)
# and the classifier-guided similarity BCE on the pooled last MiT-B5 stage
# (512 ch) and the projected VGGish embedding (128), lambda = 1 (the robust
# paper's default; it does not train RAVS, this is the plug-in applied to
# another segmentor). The RAVS CST loss is kept.
_base_ = [
    '../_base_/models/ravs_mit-b5_vggish.py',
    '../_base_/datasets/robust_avsbench_s4.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adamw_1e-4_warmup2e_40e.py',
]
# the RAVS losses (CST) plus the similarity BCE
model = dict(av_losses=_base_.model.av_losses + [
    _base_.robust_similarity_loss
])
# the RAVS loader: batch 2 and the augmenting pipeline of avsbench_s4.py
train_dataloader = dict(
    batch_size=2, dataset=dict(dataset=dict(pipeline=_base_.train_pipeline)))
default_hooks = dict(checkpoint=dict(save_best='G-mIoU@frame', rule='greater'))
