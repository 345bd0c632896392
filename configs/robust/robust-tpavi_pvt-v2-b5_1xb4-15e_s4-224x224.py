# Robust AVS ("Do AVS models truly segment sounding objects?") on AVSBench-S4:
# TPAVI + PVT-v2-B5 (paper Sec. 5.1: Adam 1e-4, batch 4, 15 epochs, lambda=1)
# trained with 10% negative pairs (official loader: half silence, half
# off-screen audio of a category from another semantic group; empty target
# masks) and the classifier-guided similarity BCE: cosine between the pooled
# last PVT stage (512 ch) and the linearly projected VGGish embedding (128),
# BCE(sigmoid(cos), y), no temperature (official CosineModule).
# Evaluated on AVSBench-Robust: every test clip under positive / silence /
# noise / off-screen audio (25% each), RobustAVSMetric (paper's table).
_base_ = [
    '../_base_/models/tpavi_pvt-v2-b5.py',
    '../_base_/datasets/robust_avsbench_s4.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adam_1e-4_15e.py',
]
model = dict(av_losses=[
    _base_.robust_similarity_loss
])
default_hooks = dict(checkpoint=dict(save_best='G-mIoU@frame', rule='greater'))
