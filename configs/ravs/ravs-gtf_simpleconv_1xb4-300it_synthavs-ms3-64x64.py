# Ablation (paper Table 3, "+GTF"): the baseline's cross-attention fusion
# with ground-truth mask filtering in training (each token's audio update is
# weighted by its sounding-GT area; no filter at inference, where no GT
# exists). See AMANeck (gt_filter) and configs/ravs/README.md.
_base_ = './ravs-baseline_simpleconv_1xb4-300it_synthavs-ms3-64x64.py'
model = dict(neck=dict(gt_filter=True))
