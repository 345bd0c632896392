# RAVS, MiT-B5 + HTSAT (frozen, CLAP HTSAT-tiny 768-D embedding) on
# AVSBench-Object S4 (binary, T=5, frame 1 of a train clip labelled).
# One 1 s waveform window at 48 kHz per frame (repeat-padded to 10 s
# inside HTSAT, CLAP repeatpad).
# Pretrained: pretrain/630k-audioset-best.pt (LAION-CLAP checkpoint).
_base_ = './ravs_mit-b5-vggish_8xb2-40e_s4-224x224.py'
model = dict(
    audio_backbone=dict(
        _delete_=True,
        type='HTSAT',
        frozen=True,
        init_cfg=dict(
            type='Pretrained', checkpoint='pretrain/630k-audioset-best.pt')),
    neck=dict(audio_channels=768))
train_pipeline = [
    dict(type='LoadAVFrames'),
    dict(type='LoadAVAnnotations'),
    dict(type='LoadAVAudio', representation='waveform', sample_rate=48000),
    dict(
        type='ClipRandomResize',
        scale=(224, 224),
        ratio_range=(0.5, 2.0),
        keep_ratio=True),
    dict(type='ClipRandomCrop', crop_size=(224, 224), cat_max_ratio=0.75),
    dict(type='ClipRandomFlip', prob=0.5),
    dict(type='ClipPhotoMetricDistortion'),
    dict(type='PackAVSInputs'),
]
test_pipeline = [
    dict(type='LoadAVFrames'),
    dict(type='LoadAVAnnotations'),
    dict(type='LoadAVAudio', representation='waveform', sample_rate=48000),
    dict(type='ClipResize', scale=(224, 224), keep_ratio=False),
    dict(type='PackAVSInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
