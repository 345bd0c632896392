# Ablation (paper Tables 3/4, row 1): the TPAVI baseline trained without
# negative pairs and without the similarity BCE (0% negatives), evaluated on
# AVSBench-Robust (ms3). Same as the plain TPAVI training; the wrapper with
# negative_ratio=0 only marks every sample as a positive pair.
_base_ = ['./robust-tpavi_pvt-v2-b5_1xb4-30e_ms3-224x224.py']
# the official MS3 LAVM only: the main config's losses without the
# similarity BCE
model = dict(av_losses=_base_.model.av_losses[:1])
train_dataloader = dict(dataset=dict(negative_ratio=0.0))
