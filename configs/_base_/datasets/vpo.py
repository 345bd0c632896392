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
_base_ = ['./avsbench_loaders.py']
dataset_type = 'VPODataset'
data_root = 'data/VPO/VPO-SS'
ann_file = 'vpo_ss_data.csv'
subset = 'ss'
stereo = False
data_prefix = dict(
    img_path='data', seg_map_path='mask', audio_path='../audios')
# 3 s per item: VGGish gives [1, 3, 96, 64]; 'waveform' at 16 kHz gives the
# VPO code's [1, 48000] input. A VGGSound clip shorter than 3 s is tiled
# (pad_mode='repeat' of avsbench_loaders.py), as the VPO code does; opt-in,
# each padded clip is counted in a warning. Frames and masks are resized
# together and scored at 224 x 224, as for AVSBench (not verified against the
# VPO release's evaluation code).

train_dataloader = dict(
    batch_size=8,
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file=ann_file,
        subset=subset,
        stereo=stereo,
        data_prefix=data_prefix))
# the CSV split 'val' is the test split: both loaders read split 'test'
val_dataloader = dict(dataset=dict(train_dataloader['dataset'], split='test'))
test_dataloader = val_dataloader
val_evaluator = dict(type='AVSSMetric')
test_evaluator = val_evaluator
