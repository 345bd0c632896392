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
_base_ = ['./avsbench_s4.py', './avsbench_ms3_layout.py']
dataset_type = _base_.avsbench_ms3_layout['type']
ann_file = _base_.avsbench_ms3_layout['ann_file']
data_prefix = _base_.avsbench_ms3_layout['data_prefix']
train_dataloader = dict(batch_size=2, dataset=_base_.avsbench_ms3_layout)
val_dataloader = dict(dataset=_base_.avsbench_ms3_layout)
test_dataloader = val_dataloader
