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
dataset_type = 'AVSBenchS4Dataset'
data_root = 'data/AVSBench-object'
ann_file = 'Single-source/s4_meta_data.csv'
data_prefix = dict(
    frame_path='Single-source/s4_data/visual_frames',
    mask_path='Single-source/s4_data/gt_masks',
    audio_path='Single-source/s4_data/audio_wav',
    audio_feat_path='Single-source/s4_data/audio_log_mel')
img_scale = (224, 224)
crop_size = (224, 224)

train_pipeline = [
    dict(type='LoadAVFrames'),
    dict(type='LoadAVAnnotations'),
    dict(type='LoadAVAudio', representation='vggish', pad_mode='repeat'),
    dict(
        type='ClipRandomResize',
        scale=img_scale,
        ratio_range=(0.5, 2.0),
        keep_ratio=True),
    dict(type='ClipRandomCrop', crop_size=crop_size, cat_max_ratio=0.75),
    dict(type='ClipRandomFlip', prob=0.5),
    dict(type='ClipPhotoMetricDistortion'),
    dict(type='PackAVSInputs'),
]
test_pipeline = [
    dict(type='LoadAVFrames'),
    dict(type='LoadAVAnnotations'),
    dict(type='LoadAVAudio', representation='vggish', pad_mode='repeat'),
    # official protocol: frames and masks resized to 224x224, scored there
    dict(
        type='ClipResize',
        scale=img_scale,
        keep_ratio=False,
        eval_at_resized=True),
    dict(type='PackAVSInputs'),
]

train_dataloader = dict(
    batch_size=4,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    collate_fn=dict(type='mmavs.av_collate'),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file=ann_file,
        split='train',
        data_prefix=data_prefix,
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='mmavs.av_collate'),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file=ann_file,
        split='val',
        data_prefix=data_prefix,
        test_mode=True,
        pipeline=test_pipeline))
test_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='mmavs.av_collate'),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file=ann_file,
        split='test',
        data_prefix=data_prefix,
        test_mode=True,
        pipeline=test_pipeline))
val_evaluator = dict(type='AVSMetric')
test_evaluator = val_evaluator
