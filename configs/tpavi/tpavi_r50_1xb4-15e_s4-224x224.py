# TPAVI + ResNet-50 on AVSBench-Object S4 (official avs_s4/train.sh: batch 4,
# Adam 1e-4, 15 epochs, TPAVI at stages 0-3, BCE on frame 1 only, no LAVM).
# The official loader only resizes and normalises (no augmentation): the
# train pipeline here does the same.
_base_ = [
    '../_base_/models/tpavi_r50.py',
    '../_base_/datasets/avsbench_s4.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adam_1e-4_15e.py',
]
official_train_pipeline = [
    dict(type='LoadAVFrames'),
    dict(type='LoadAVAnnotations'),
    dict(type='LoadAVAudio', representation='vggish', pad_mode='repeat'),
    dict(type='ClipResize', scale=(224, 224), keep_ratio=False),
    dict(type='PackAVSInputs'),
]
# epoch-based training needs a finite sampler
train_dataloader = dict(
    batch_size=4,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(pipeline=official_train_pipeline))
log_processor = dict(by_epoch=True)
