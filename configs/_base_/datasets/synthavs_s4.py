# SynthAVS, S4-like binary task (AVSBench-Object v1 single-source layout).
# Generate the data first (about 30 s, written to data/synthavs):
#   python tools/dataset_converters/make_synthavs.py
# or call mmavs.synthavs.ensure_synthavs() (idempotent).
# As in AVSBench S4, only frame 1 of a train clip is annotated.
_base_ = ['./synthavs_loaders.py']
dataset_type = 'AVSBenchS4Dataset'
data_root = 'data/synthavs/'
# No audio_feat_path: the audio input is computed from the wav files
# (generate with --write-log-mel and add
# audio_feat_path='Single-source/s4_data/audio_log_mel' to use the .pkl).
data_prefix = dict(
    frame_path='Single-source/s4_data/visual_frames',
    mask_path='Single-source/s4_data/gt_masks',
    audio_path='Single-source/s4_data/audio_wav')
train_dataloader = dict(
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='Single-source/s4_meta_data.csv',
        data_prefix=data_prefix))
val_dataloader = dict(dataset=train_dataloader['dataset'])
test_dataloader = val_dataloader
val_evaluator = dict(
    type='AVSMetric',
    breakdown_keys=('category', 'case'),
    breakdown_metrics=True)
test_evaluator = val_evaluator
