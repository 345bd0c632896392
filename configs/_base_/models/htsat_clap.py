# The frozen CLAP HTSAT-tiny audio encoder (768-D embedding, LAION-CLAP
# checkpoint pretrain/630k-audioset-best.pt) in place of VGGish, and the
# 224x224 RAVS pipelines with the waveform input it needs: one 1 s window at
# 48 kHz per frame (3 s for VPO items), repeat-padded to 10 s inside HTSAT
# (CLAP repeatpad). `htsat_avss_*`: padded AVSS v1 frames get zero audio and
# short tracks are zero-padded (pad_mode='zeros'), as in the AVSS dataset
# base; the others repeat the last window of a short track
# (pad_mode='repeat', as the AVSBench preprocessing); both are opt-in
# choices whose padded clips are counted in a warning.
#
# The swap is one override on a VGGish sibling config
# (configs/ravs/ravs_mit-b5-htsat_*.py):
#   model, train_dataloader, val_dataloader, test_dataloader = \
#       _base_.htsat_swap        # or _base_.htsat_avss_swap for AVSS
# i.e. the audio backbone and the neck's audio width, and the train / test
# pipelines of the loaders.
htsat_audio_backbone = dict(
    _delete_=True,
    type='HTSAT',
    frozen=True,
    init_cfg=dict(
        type='Pretrained', checkpoint='pretrain/630k-audioset-best.pt'))
# 48 kHz waveforms (CLAP's rate), short tracks repeated as the official loader
htsat_audio_loading = dict(
    type='LoadAVAudio',
    representation='waveform',
    sample_rate=48000,
    pad_mode='repeat')
htsat_train_pipeline = [
    dict(type='LoadAVFrames'),
    dict(type='LoadAVAnnotations'),
    htsat_audio_loading,
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
htsat_test_pipeline = [
    dict(type='LoadAVFrames'),
    dict(type='LoadAVAnnotations'),
    htsat_audio_loading,
    dict(type='ClipResize', scale=(224, 224), keep_ratio=False),
    dict(type='PackAVSInputs'),
]
htsat_avss_train_pipeline = [
    dict(step, pad_mode='zeros') if step['type'] == 'LoadAVAudio' else step
    for step in htsat_train_pipeline
]
htsat_avss_test_pipeline = [
    dict(step, pad_mode='zeros') if step['type'] == 'LoadAVAudio' else step
    for step in htsat_test_pipeline
]
htsat_swap = [
    dict(audio_backbone=htsat_audio_backbone, neck=dict(audio_channels=768)),
    dict(dataset=dict(pipeline=htsat_train_pipeline)),
    dict(dataset=dict(pipeline=htsat_test_pipeline)),
    dict(dataset=dict(pipeline=htsat_test_pipeline)),
]
htsat_avss_swap = [
    htsat_swap[0],
    dict(dataset=dict(pipeline=htsat_avss_train_pipeline)),
    dict(dataset=dict(pipeline=htsat_avss_test_pipeline)),
    dict(dataset=dict(pipeline=htsat_avss_test_pipeline)),
]
