# Tiny TPAVI on SynthAVS, MS3-like layout (all 5 frames annotated), BCE only.
# Deviation from the official MS3 recipe: no LAVM. With the frozen pretrained
# audio encoder, the official LAVM (KL between softmax of the projected audio
# and of the visual features pooled under the *predicted* mask, weight 0.5,
# sum) drove the predicted masks to cover whole frames on SynthAVS v1: 1500
# iterations, seed 0 gave J 0.083 with it and 0.769 without (README). Add it
# back with model.av_losses (see tpavi_pvt-v2-b5_1xb4-30e_ms3-224x224.py).
# Generate the data (and the audio encoder) first:
#   python tools/dataset_converters/make_synthavs.py --ensure
_base_ = [
    '../_base_/models/tpavi_simpleconv.py',
    '../_base_/datasets/synthavs_ms3.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adam_1e-3_300it.py',
]
