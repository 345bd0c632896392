# SynthAVS, MS3-like binary task (AVSBench-Object v1 multi-source layout).
# Generate the data first (about 30 s, written to data/synthavs):
#   python tools/dataset_converters/make_synthavs.py
# or call mmavs.synthavs.ensure_synthavs() (idempotent).
# All five frames of every clip are annotated.
# Everything else (pipelines, loaders, evaluator) as synthavs_s4.py.
_base_ = './synthavs_s4.py'
dataset_type = 'AVSBenchMS3Dataset'
ann_file = 'Multi-sources/ms3_meta_data.csv'
data_prefix = dict(
    frame_path='Multi-sources/ms3_data/visual_frames',
    mask_path='Multi-sources/ms3_data/gt_masks',
    audio_path='Multi-sources/ms3_data/audio_wav')
train_dataloader = dict(
    dataset=dict(
        type=dataset_type, ann_file=ann_file, data_prefix=data_prefix))
val_dataloader = dict(dataset=train_dataloader['dataset'])
test_dataloader = val_dataloader
