# AVSBench-Object multi-source (MS3), official v1 layout, binary masks.
# data_root holds the download as released:
#   data/AVSBench-object/Multi-sources/ms3_meta_data.csv
#   data/AVSBench-object/Multi-sources/ms3_data/visual_frames/{vid}/...,
#       {gt_masks,audio_wav,audio_log_mel}/{split}/...
# 296 / 64 / 64 train / val / test clips of 5 frames (224 x 224), all five
# annotated in every split.
# Audio input: one key, `representation` of LoadAVAudio:
#   'vggish'   log-mel examples [5, 1, 96, 64] computed from audio_wav
#              (resampy kaiser_best, identical to the official .pkl files)
#   'feature'  the official audio_log_mel/*.pkl [5, 1, 96, 64]
#   'waveform' 1 s windows at 48 kHz for HTSAT (sample_rate=48000)
# Everything else (pipelines, loaders, evaluator) as avsbench_s4.py.
_base_ = './avsbench_s4.py'
dataset_type = 'AVSBenchMS3Dataset'
ann_file = 'Multi-sources/ms3_meta_data.csv'
data_prefix = dict(
    frame_path='Multi-sources/ms3_data/visual_frames',
    mask_path='Multi-sources/ms3_data/gt_masks',
    audio_path='Multi-sources/ms3_data/audio_wav',
    audio_feat_path='Multi-sources/ms3_data/audio_log_mel')
train_dataloader = dict(
    batch_size=2,
    dataset=dict(
        type=dataset_type, ann_file=ann_file, data_prefix=data_prefix))
val_dataloader = dict(dataset=train_dataloader['dataset'])
test_dataloader = val_dataloader
