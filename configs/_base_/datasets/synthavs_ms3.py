# SynthAVS, MS3-like binary task (AVSBench-Object v1 multi-source layout).
# Generate the data first (about 30 s, written to data/synthavs):
#   python tools/dataset_converters/make_synthavs.py
# or call mmavs.synthavs.ensure_synthavs() (idempotent).
# All five frames of every clip are annotated.
# Everything else (pipelines, loaders, evaluator) as synthavs_s4.py.
_base_ = ['./synthavs_s4.py', './synthavs_ms3_layout.py']
dataset_type = _base_.synthavs_ms3_layout['type']
ann_file = _base_.synthavs_ms3_layout['ann_file']
data_prefix = _base_.synthavs_ms3_layout['data_prefix']
train_dataloader = dict(dataset=_base_.synthavs_ms3_layout)
val_dataloader = dict(dataset=_base_.synthavs_ms3_layout)
test_dataloader = val_dataloader
