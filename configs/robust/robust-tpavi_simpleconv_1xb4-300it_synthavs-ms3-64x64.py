# Tiny CPU version of robust-tpavi_pvt-v2-b5_1xb4-30e_ms3-224x224.py on
# SynthAVS (MS3-like layout, 64x64): the tiny TPAVI of
# configs/tpavi/tpavi_simpleconv_1xb4-300it_synthavs-s4-64x64.py (no LAVM),
# 10% negative pairs (silence / off-screen, empty targets) and the
# similarity BCE (last SimpleConvNet stage, 128 ch; AudioMLP, 128).
# MS3 clips carry no category: the off-screen sources are chosen from the
# visible objects of the SynthAVS metadata (ms3_meta_data.csv, column
# 'objects', '+'-joined), grouped by 'synthavs', drawn uniformly among the
# qualifying clips (official MS3 generator).
# Generate the data first: python tools/dataset_converters/make_synthavs.py
_base_ = [
    '../_base_/models/tpavi_simpleconv.py',
    '../_base_/datasets/robust_synthavs_ms3.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adam_1e-3_300it.py',
]
model = dict(av_losses=[
    dict(_base_.robust_similarity_loss, visual_channels=128)
])
