# TPAVI + PVT-v2-B5 on AVSBench-Object S4 (official avs_s4/train.sh: batch 4,
# Adam 1e-4, 15 epochs, TPAVI at stages 0-3, BCE on frame 1 only, no LAVM).
# The official loader only resizes and normalises (no augmentation): the
# train pipeline here does the same (avsbench_s4_official.py).
_base_ = [
    '../_base_/models/tpavi_pvt-v2-b5.py',
    '../_base_/datasets/avsbench_s4_official.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adam_1e-4_15e.py',
]
