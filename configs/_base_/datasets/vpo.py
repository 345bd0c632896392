# VPO-SS (Visual Post-production, single source): COCO images paired with
# VGGSound audio, 21 classes + background, one frame per item with 3 s of
# audio (centre crop, tiled when shorter: pad_mode='repeat'), as the VPO code.
#   data/VPO/VPO-SS/vpo_ss_data.csv  (cateName,img_Id,ann_Ids,cateId,
#                                     vgg_file,split[,audio_pos])
#   data/VPO/VPO-SS/data/{cateName}/{img_Id:012d}.jpg
#   data/VPO/VPO-SS/mask/{cateName}/{img_Id:012d}_{ann_Ids:012d}.png
#   data/VPO/audios/{vgg_file}.wav     (the VGGSound clips)
# The CSV split 'val' is the test split. VPO-MS / VPO-MSMI: vpo_ms.py,
# vpo_msmi.py. Stereo variant: stereo=True with the *_stereo.csv files and
# representation='waveform' (VGGish examples are mono).
dataset_type = 'VPODataset'
data_root = 'data/VPO/VPO-SS'
ann_file = 'vpo_ss_data.csv'
subset = 'ss'
stereo = False
data_prefix = dict(
    img_path='data', seg_map_path='mask', audio_path='../audios')
img_scale = (224, 224)
crop_size = (224, 224)
# 3 s per item: VGGish gives [1, 3, 96, 64]; 'waveform' at 16 kHz gives the
# VPO code's [1, 48000] input.
# A VGGSound clip shorter than 3 s is tiled (pad_mode='repeat'), as the VPO
# code does; opt-in, each padded clip is counted in a warning.
audio_loader = dict(
    type='LoadAVAudio', representation='vggish', pad_mode='repeat')

train_pipeline = [
    dict(type='LoadAVFrames'),
    dict(type='LoadAVAnnotations'),
    audio_loader,
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
test_pipeline = [
    dict(type='LoadAVFrames'),
    dict(type='LoadAVAnnotations'),
    audio_loader,
    # frames and masks resized together and scored at img_scale, as for
    # AVSBench (not verified against the VPO release's evaluation code)
    dict(
        type='ClipResize',
        scale=img_scale,
        keep_ratio=False,
        eval_at_resized=True),
    dict(type='PackAVSInputs'),
]

train_dataloader = dict(
    batch_size=8,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    collate_fn=dict(type='mmavs.av_collate'),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file=ann_file,
        subset=subset,
        stereo=stereo,
        split='train',
        data_prefix=data_prefix,
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='mmavs.av_collate'),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file=ann_file,
        subset=subset,
        stereo=stereo,
        split='test',
        data_prefix=data_prefix,
        test_mode=True,
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='AVSSMetric')
test_evaluator = val_evaluator
