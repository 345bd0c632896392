# AVSBench-Semantic (AVSS), official release layout, 71 classes.
# data_root holds the download as released:
#   data/AVSBench-semantic/metadata.csv
#       (vid,uid,s_min,s_sec,a_obj,split,label)
#   data/AVSBench-semantic/{v1s,v1m,v2}/{uid}/frames/{i}.jpg
#   data/AVSBench-semantic/{v1s,v1m,v2}/{uid}/labels_rgb/{i}.png
#   data/AVSBench-semantic/{v1s,v1m,v2}/{uid}/audio.wav
# Every clip has 10 frames: v1s/v1m clips (5 s) are padded with valid=False
# frames, as the official loader pads them; a v1s train clip has only frame
# 0 annotated. Audio examples of padding frames are zeros, and a track
# shorter than its clip is zero-padded too, as the official AVSS loader does
# (pad_mode='zeros', opt-in: each padded clip is counted in a warning; the
# default 'error' refuses short tracks).
# subsets=('v1s',) / ('v1m',) with binary=True and num_frames=5 gives S4 /
# MS3 from this layout.
_base_ = ['./avsbench_loaders.py']
dataset_type = 'AVSSDataset'
data_root = 'data/AVSBench-semantic'
ann_file = 'metadata.csv'
subsets = ('v1s', 'v1m', 'v2')
num_frames = 10
# the pipelines of avsbench_loaders.py with zero-padded audio
train_pipeline = [
    dict(step, pad_mode='zeros') if step['type'] == 'LoadAVAudio' else step
    for step in _base_.train_pipeline
]
test_pipeline = [
    dict(step, pad_mode='zeros') if step['type'] == 'LoadAVAudio' else step
    for step in _base_.test_pipeline
]

train_dataloader = dict(
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file=ann_file,
        subsets=subsets,
        num_frames=num_frames,
        pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(train_dataloader['dataset'], pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='AVSSMetric')
test_evaluator = val_evaluator
