# AVSBench-Object S4 as the official AVSBench code trains on it
# (avs_scripts/avs_s4/dataloader.py): frames and masks only resized to
# 224 x 224, no augmentation; batch 4. Used by the TPAVI configs and AVSBench-Robust.
_base_ = ['./avsbench_s4.py']
official_train_pipeline = [
    dict(type='LoadAVFrames'),
    dict(type='LoadAVAnnotations'),
    dict(type='LoadAVAudio', representation='vggish', pad_mode='repeat'),
    dict(type='ClipResize', scale=(224, 224), keep_ratio=False),
    dict(type='PackAVSInputs'),
]
train_dataloader = dict(
    batch_size=4, dataset=dict(pipeline=official_train_pipeline))
