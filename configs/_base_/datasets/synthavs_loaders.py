# Loaders and 64 x 64 pipelines of the SynthAVS configs (two workers, the
# SynthAVS case type of every clip in its metainfo): resize and flip for
# training; at test time the masks are loaded after the resize, so metrics
# compare at the stored resolution. SynthAVS audio lasts exactly one second
# per frame, so LoadAVAudio keeps its default pad_mode='error': a short track
# is a broken tree. The test loader is the val loader on the test split.
# Dataset configs add what names their data (type, data_root, ann_file, ...).
_base_ = ['./av_loaders.py']
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
    num_workers=2,
    dataset=dict(
        meta_columns=('case', ), split='train', pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=4,
    num_workers=2,
    dataset=dict(
        meta_columns=('case', ),
        split='val',
        test_mode=True,
        pipeline=test_pipeline))
test_dataloader = dict(
    val_dataloader, dataset=dict(val_dataloader['dataset'], split='test'))
