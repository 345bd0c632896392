# SynthAVS, S4-like binary task (AVSBench-Object v1 single-source layout).
# Generate the data first (about 30 s, written to data/synthavs):
#   python tools/dataset_converters/make_synthavs.py
# or call mmavs.synthavs.ensure_synthavs() (idempotent).
# As in AVSBench S4, only frame 1 of a train clip is annotated.
dataset_type = 'AVSBenchS4Dataset'
data_root = 'data/synthavs/'
# No audio_feat_path: the audio input is computed from the wav files
# (generate with --write-log-mel and add
# audio_feat_path='Single-source/s4_data/audio_log_mel' to use the .pkl).
data_prefix = dict(
    frame_path='Single-source/s4_data/visual_frames',
    mask_path='Single-source/s4_data/gt_masks',
    audio_path='Single-source/s4_data/audio_wav')
img_scale = (64, 64)

train_pipeline = [
    dict(type='LoadAVFrames'),
    dict(type='LoadAVAnnotations'),
    dict(type='LoadAVAudio', representation='vggish'),
    dict(type='ClipResize', scale=img_scale),
    dict(type='ClipRandomFlip', prob=0.5),
    dict(type='PackAVSInputs'),
]
test_pipeline = [
    dict(type='LoadAVFrames'),
    dict(type='LoadAVAudio', representation='vggish'),
    dict(type='ClipResize', scale=img_scale),
    # masks are loaded after the resize: metrics compare at the stored
    # resolution
    dict(type='LoadAVAnnotations'),
    dict(type='PackAVSInputs'),
]

train_dataloader = dict(
    batch_size=4,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    collate_fn=dict(type='mmavs.av_collate'),
    dataset=dict(
        type=dataset_type,
        meta_columns=('case', ),
        data_root=data_root,
        ann_file='Single-source/s4_meta_data.csv',
        split='train',
        data_prefix=data_prefix,
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=4,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='mmavs.av_collate'),
    dataset=dict(
        type=dataset_type,
        meta_columns=('case', ),
        data_root=data_root,
        ann_file='Single-source/s4_meta_data.csv',
        split='val',
        data_prefix=data_prefix,
        test_mode=True,
        pipeline=test_pipeline))
test_dataloader = dict(
    batch_size=4,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='mmavs.av_collate'),
    dataset=dict(
        type=dataset_type,
        meta_columns=('case', ),
        data_root=data_root,
        ann_file='Single-source/s4_meta_data.csv',
        split='test',
        data_prefix=data_prefix,
        test_mode=True,
        pipeline=test_pipeline))
# J/F per SynthAVS case type (single, lookalike, state_switch, ...) too
val_evaluator = dict(
    type='AVSMetric',
    breakdown_keys=('category', 'case'),
    breakdown_metrics=True)
test_evaluator = val_evaluator
