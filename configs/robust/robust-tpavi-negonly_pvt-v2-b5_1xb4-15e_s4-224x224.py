# Ablation (paper Table 4, row 2): 10% negative pairs (empty targets) but no
# classifier-guided similarity BCE, TPAVI + PVT-v2-B5 on AVSBench-Robust
# (s4).
_base_ = ['./robust-tpavi_pvt-v2-b5_1xb4-15e_s4-224x224.py']
model = dict(av_losses=[])
