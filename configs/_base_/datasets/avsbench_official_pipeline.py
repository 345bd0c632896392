# The training pipeline of the official AVSBench code
# (avs_scripts/avs_s4/dataloader.py, avs_ms3/dataloader.py): frames and masks
# only resized to 224 x 224, no augmentation. Shared by
# avsbench_s4_official.py and avsbench_ms3_official.py.
official_train_pipeline = [
    dict(type='LoadAVFrames'),
    dict(type='LoadAVAnnotations'),
    dict(type='LoadAVAudio', representation='vggish', pad_mode='repeat'),
    dict(type='ClipResize', scale=(224, 224), keep_ratio=False),
    dict(type='PackAVSInputs'),
]
