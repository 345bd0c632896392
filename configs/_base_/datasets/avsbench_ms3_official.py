# AVSBench-Object MS3 as the official AVSBench code trains on it
# (avs_scripts/avs_ms3/dataloader.py): the resize-only loader of
# avsbench_s4_official.py on the MS3 clips of avsbench_ms3.py.
_base_ = ['./avsbench_ms3.py']
official_train_pipeline = [
    dict(type='LoadAVFrames'),
    dict(type='LoadAVAnnotations'),
    dict(type='LoadAVAudio', representation='vggish', pad_mode='repeat'),
    dict(type='ClipResize', scale=(224, 224), keep_ratio=False),
    dict(type='PackAVSInputs'),
]
train_dataloader = dict(
    batch_size=4, dataset=dict(pipeline=official_train_pipeline))
