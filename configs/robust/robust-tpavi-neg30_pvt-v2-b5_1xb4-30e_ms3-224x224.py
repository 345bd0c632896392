# Ratio study (paper Table 3): 30% negative pairs + similarity BCE, TPAVI +
# PVT-v2-B5 on AVSBench-Robust (ms3). 0% is robust-tpavi-noneg_*, 10% the
# default robust-tpavi_*.
_base_ = ['./robust-tpavi_pvt-v2-b5_1xb4-30e_ms3-224x224.py']
train_dataloader = dict(dataset=dict(negative_ratio=0.30))
