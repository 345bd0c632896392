# Ablation (paper Table 4, row 2): 10% negative pairs (empty targets) but no
# classifier-guided similarity BCE, TPAVI + PVT-v2-B5 on AVSBench-Robust
# (ms3).
_base_ = ['./robust-tpavi_pvt-v2-b5_1xb4-30e_ms3-224x224.py']
model = dict(av_losses=[
    dict(
        type='AVMKLLoss',
        stages=(0, 1, 2, 3),
        loss_weight=0.5,
        mask_source='pred',
        pooling='avg',
        threshold=False,
        norm_feat=False,
        reduction='sum')
])
