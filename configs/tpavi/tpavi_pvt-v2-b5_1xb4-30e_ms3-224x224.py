# TPAVI + PVT-v2-B5 on AVSBench-Object MS3 (official avs_ms3/train.sh: batch 4,
# Adam 1e-4, 30 epochs, TPAVI at stages 0-3, BCE on all 5 frames plus the
# audio-visual matching loss LAVM (--masked_av_flag --masked_av_stages 0 1 2 3
# --lambda_1 0.5 --kl_flag): KL(softmax(audio) || softmax(mask-pooled
# visual)) per stage on the TPAVI outputs, the mask being the sigmoid of the
# average-pooled *predicted* logits, features not normalised, summed over
# frames (reduction='sum'). The paper's variant (ground-truth masks) is
# AVMKLLoss(mask_source='gt').
# The official resize-only loader: avsbench_ms3_official.py.
# Initialise from a trained S4 model (official --load_s4_params) with
#   load_from = 'work_dirs/tpavi_pvt-v2-b5_1xb4-15e_s4-224x224/best.pth'
_base_ = [
    '../_base_/models/tpavi_pvt-v2-b5.py',
    '../_base_/datasets/avsbench_ms3_official.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adam_1e-4_30e.py',
]
model = dict(av_losses=[_base_.tpavi_ms3_avm_loss])
load_from = None
