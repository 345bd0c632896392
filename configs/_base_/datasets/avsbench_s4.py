# AVSBench-Object single-source (S4), official v1 layout, binary masks.
# data_root holds the download as released:
#   data/AVSBench-object/Single-source/s4_meta_data.csv
#   data/AVSBench-object/Single-source/s4_data/{visual_frames,gt_masks,
#       audio_wav,audio_log_mel}/{split}/{category}/...
# 3452 / 740 / 740 train / val / test clips of 5 frames (224 x 224); only
# frame 1 of a train clip is annotated (labelled=False on frames 2..5).
# Audio input: one key, `representation` of LoadAVAudio:
#   'vggish'   log-mel examples [5, 1, 96, 64] computed from audio_wav
#              (resampy kaiser_best, identical to the official .pkl files)
#   'feature'  the official audio_log_mel/*.pkl [5, 1, 96, 64]
#   'waveform' 1 s windows at 48 kHz for HTSAT (sample_rate=48000)
# A track shorter than its 5 frames repeats its last example, as the
# official preprocessing of the audio_log_mel files does (pad_mode='repeat',
# opt-in: each padded clip is counted in a warning; the default 'error'
# refuses short tracks).
_base_ = ['./avsbench_loaders.py']
dataset_type = 'AVSBenchS4Dataset'
data_root = 'data/AVSBench-object'
ann_file = 'Single-source/s4_meta_data.csv'
data_prefix = dict(
    frame_path='Single-source/s4_data/visual_frames',
    mask_path='Single-source/s4_data/gt_masks',
    audio_path='Single-source/s4_data/audio_wav',
    audio_feat_path='Single-source/s4_data/audio_log_mel')
train_dataloader = dict(
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file=ann_file,
        data_prefix=data_prefix))
val_dataloader = dict(dataset=train_dataloader['dataset'])
test_dataloader = val_dataloader
val_evaluator = dict(type='AVSMetric')
test_evaluator = val_evaluator
