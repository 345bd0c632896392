# SynthAVS, AVSS-like semantic task (AVSBench-Semantic layout).
# Generate the data first (about 30 s, written to data/synthavs):
#   python tools/dataset_converters/make_synthavs.py
# or call mmavs.synthavs.ensure_synthavs() (idempotent).
# Clips: v1s / v1m (5 frames, padded to 10 with valid=False) and v2
# (10 frames); a v1s train clip has only frame 0 annotated.
# Classes: background + the 8 default SynthAVS categories (procedural
# sounds), in the order of data/synthavs/AVSS/label2idx.json; class k is
# drawn with colour k of the AVSBench 71-colour palette (decoded by the
# dataset with its 71 colours). Regenerating with another --num-categories
# (or --sound-dir) needs another class list.
# SynthAVS audio lasts exactly one second per frame, so LoadAVAudio keeps its
# default pad_mode='error': a short track is a broken tree.
dataset_type = 'AVSSDataset'
data_root = 'data/synthavs/AVSS/'
synthavs_classes = ('background', 'vibrato_tone', 'noise_burst', 'chirp',
                    'am_hum', 'click_train', 'whistle', 'bell', 'drum')
synthavs_palette = [[0, 0, 0], [128, 0, 0], [0, 128, 0], [128, 128, 0],
                    [0, 0, 128], [128, 0, 128], [0, 128, 128], [128, 128, 128],
                    [64, 0, 0]]
metainfo = dict(classes=synthavs_classes, palette=synthavs_palette)
num_frames = 10
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
    batch_size=2,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    collate_fn=dict(type='mmavs.av_collate'),
    dataset=dict(
        type=dataset_type,
        meta_columns=('case', ),
        data_root=data_root,
        ann_file='metadata.csv',
        split='train',
        num_frames=num_frames,
        metainfo=metainfo,
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=2,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='mmavs.av_collate'),
    dataset=dict(
        type=dataset_type,
        meta_columns=('case', ),
        data_root=data_root,
        ann_file='metadata.csv',
        split='val',
        num_frames=num_frames,
        metainfo=metainfo,
        test_mode=True,
        pipeline=test_pipeline))
test_dataloader = dict(
    batch_size=2,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='mmavs.av_collate'),
    dataset=dict(
        type=dataset_type,
        meta_columns=('case', ),
        data_root=data_root,
        ann_file='metadata.csv',
        split='test',
        num_frames=num_frames,
        metainfo=metainfo,
        test_mode=True,
        pipeline=test_pipeline))
val_evaluator = dict(type='AVSSMetric')
test_evaluator = val_evaluator
