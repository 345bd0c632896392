# Ablation (paper Table 3) on MS3: Baseline + SGSM (DPC-KNN grouping +
# sound-guided semantic merging), no CST, no UE. The full model (+AMA+UE) is
# ravs_mit-b5-htsat_8xb2-40e_ms3-224x224.py.
_base_ = './ravs_mit-b5-htsat_8xb2-40e_ms3-224x224.py'
model = dict(decode_head=dict(use_uncertainty=False), av_losses=[])
