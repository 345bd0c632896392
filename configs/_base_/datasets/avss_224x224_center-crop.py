# AVSBench-Semantic read as the official AVSegFormer loader does
# (dataloader/v2_dataset.py, crop_img_and_mask=True, crop_size=224): train
# frames resized so the short side is 224 (bilinear; masks nearest) and
# centre-cropped to 224 x 224, no other augmentation; val/test frames and
# masks resized to 224 x 224 and scored there (avss.py). Batch 4,
# epoch-based. (The official loader floors the long side after the resize,
# mmcv rounds it: the crop window can differ by one pixel.)
_base_ = './avss.py'
train_pipeline = [
    dict(type='LoadAVFrames'),
    dict(type='LoadAVAnnotations'),
    dict(type='LoadAVAudio', representation='vggish', pad_mode='zero'),
    # keep_ratio with (224, 100000): the short side becomes 224
    dict(type='ClipResize', scale=(224, 100000), keep_ratio=True),
    dict(type='ClipCenterCrop', crop_size=(224, 224)),
    dict(type='PackAVSInputs'),
]
train_dataloader = dict(
    batch_size=4,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(pipeline=train_pipeline))
