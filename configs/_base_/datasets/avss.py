# AVSBench-Semantic (AVSS), official release layout, 71 classes.
# data_root holds the download as released:
#   data/AVSBench-semantic/metadata.csv
#       (vid,uid,s_min,s_sec,a_obj,split,label)
#   data/AVSBench-semantic/{v1s,v1m,v2}/{uid}/frames/{i}.jpg
#   data/AVSBench-semantic/{v1s,v1m,v2}/{uid}/labels_rgb/{i}.png
#   data/AVSBench-semantic/{v1s,v1m,v2}/{uid}/audio.wav
# Every clip has 10 frames: v1s/v1m clips (5 s) are padded with valid=False
# frames, as the official loader pads them; a v1s train clip has only frame
# 0 annotated. Audio examples of padding frames are zeros, and a track
# shorter than its clip is zero-padded too, as the official AVSS loader does
# (pad_mode='zeros', opt-in: each padded clip is counted in a warning; the
# default 'error' refuses short tracks).
# subsets=('v1s',) / ('v1m',) with binary=True and num_frames=5 gives S4 /
# MS3 from this layout.
dataset_type = 'AVSSDataset'
data_root = 'data/AVSBench-semantic'
ann_file = 'metadata.csv'
subsets = ('v1s', 'v1m', 'v2')
num_frames = 10
img_scale = (224, 224)
crop_size = (224, 224)

train_pipeline = [
    dict(type='LoadAVFrames'),
    dict(type='LoadAVAnnotations'),
    dict(type='LoadAVAudio', representation='vggish', pad_mode='zeros'),
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
# As the official evaluation, frames and masks are resized to 224 x 224.
test_pipeline = [
    dict(type='LoadAVFrames'),
    dict(type='LoadAVAnnotations'),
    dict(type='LoadAVAudio', representation='vggish', pad_mode='zeros'),
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
        subsets=subsets,
        num_frames=num_frames,
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
        subsets=subsets,
        num_frames=num_frames,
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
        subsets=subsets,
        num_frames=num_frames,
        test_mode=True,
        pipeline=test_pipeline))
val_evaluator = dict(type='AVSSMetric')
test_evaluator = val_evaluator
