# Loaders and 224 x 224 pipelines of the full-size AVSBench and VPO configs.
# Training: random resize (0.5-2x of 224), a 224 crop in which no class
# covers more than 75% of the labelled pixels, flip, photometric distortion.
# Test: frames and masks resized to 224 x 224 and scored there (the official
# AVSBench protocol). Audio: VGGish examples; a track shorter than its clip
# repeats its last example (pad_mode='repeat', the AVSBench preprocessing;
# opt-in, each padded clip is counted in a warning). avss.py swaps in
# pad_mode='zeros'. The full-size configs train by epochs (a finite shuffled
# sampler); the test loader is the val loader on the test split. Dataset
# configs add what names their data (type, data_root, ann_file, ...).
_base_ = ['./av_loaders.py']
img_scale = (224, 224)
crop_size = (224, 224)

av_loading = [
    dict(type='LoadAVFrames'),
    dict(type='LoadAVAnnotations'),
    dict(type='LoadAVAudio', representation='vggish', pad_mode='repeat'),
]
train_pipeline = av_loading + [
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
test_pipeline = av_loading + [
    # official protocol: frames and masks resized to 224x224, scored there
    dict(
        type='ClipResize',
        scale=img_scale,
        keep_ratio=False,
        eval_at_resized=True),
    dict(type='PackAVSInputs'),
]
train_dataloader = dict(
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(split='train', pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(split='val', test_mode=True, pipeline=test_pipeline))
test_dataloader = dict(
    val_dataloader, dataset=dict(val_dataloader['dataset'], split='test'))
