# RAVS, MiT-B5 + VGGish on AVSBench-Object S4 (binary, T=5, frame 1 of a train
# clip labelled). Full model: AMA (SGSM + CST) + UE. See
# configs/ravs/README.md.
_base_ = [
    '../_base_/models/ravs_mit-b5_vggish.py',
    '../_base_/datasets/avsbench_s4.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adamw_1e-4_warmup2e_40e.py',
]
train_dataloader = dict(batch_size=2)
