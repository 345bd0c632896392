# RAVS, MiT-B5 + VGGish on AVSBench-Object MS3 (binary, T=5).
# Full model: AMA (SGSM + CST) + UE. See configs/ravs/README.md.
_base_ = [
    '../_base_/models/ravs_mit-b5_vggish.py',
    '../_base_/datasets/avsbench_ms3.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adamw_1e-4_warmup2e_40e.py',
]
