# Ablation (paper Tables 3/4, row 1): the TPAVI baseline trained without
# negative pairs and without the similarity BCE (0% negatives), evaluated on
# AVSBench-Robust (ms3). Same as the plain TPAVI training; the wrapper with
# negative_ratio=0 only marks every sample as a positive pair.
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
train_dataloader = dict(dataset=dict(negative_ratio=0.0))
