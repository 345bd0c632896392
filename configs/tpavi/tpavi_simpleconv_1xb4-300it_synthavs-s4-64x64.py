# Tiny TPAVI on SynthAVS, S4-like layout (BCE on the labelled frame 1 of each
# train clip). Trains on CPU in a few minutes.
# Generate the data first: python tools/dataset_converters/make_synthavs.py
_base_ = [
    '../_base_/models/tpavi_simpleconv.py',
    '../_base_/datasets/synthavs_s4.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adam_1e-3_300it.py',
]
