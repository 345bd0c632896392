# Ablation (paper Table 4, row 2): 10% negative pairs (empty targets) but no
# classifier-guided similarity BCE, TPAVI + PVT-v2-B5 on AVSBench-Robust
# (ms3).
_base_ = ['./robust-tpavi_pvt-v2-b5_1xb4-30e_ms3-224x224.py']
# the official MS3 LAVM only: the main config's losses without the
# similarity BCE
model = dict(av_losses=_base_.model.av_losses[:1])
