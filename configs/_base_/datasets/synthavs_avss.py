# SynthAVS, AVSS-like semantic task (AVSBench-Semantic layout).
# Generate the data first (about 30 s, written to data/synthavs):
#   python tools/dataset_converters/make_synthavs.py
# or call mmavs.synthavs.ensure_synthavs() (idempotent).
# Clips: v1s / v1m (5 frames, padded to 10 with valid=False) and v2
# (10 frames); a v1s train clip has only frame 0 annotated.
# Classes: background + the 8 default SynthAVS categories (procedural
# sounds), in the order of data/synthavs/AVSS/label2idx.json; class k is
# drawn with colour k of the AVSBench 71-colour palette (decoded by the
# dataset with its 71 colours). Regenerating with another --num-categories
# (or --sound-dir) needs another class list.
_base_ = ['./synthavs_loaders.py']
dataset_type = 'AVSSDataset'
data_root = 'data/synthavs/AVSS/'
synthavs_classes = ('background', 'vibrato_tone', 'noise_burst', 'chirp',
                    'am_hum', 'click_train', 'whistle', 'bell', 'drum')
synthavs_palette = [[0, 0, 0], [128, 0, 0], [0, 128, 0], [128, 128, 0],
                    [0, 0, 128], [128, 0, 128], [0, 128, 128], [128, 128, 128],
                    [64, 0, 0]]
metainfo = dict(classes=synthavs_classes, palette=synthavs_palette)
num_frames = 10
train_dataloader = dict(
    batch_size=2,
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='metadata.csv',
        num_frames=num_frames,
        metainfo=metainfo))
val_dataloader = dict(batch_size=2, dataset=train_dataloader['dataset'])
test_dataloader = val_dataloader
val_evaluator = dict(type='AVSSMetric')
test_evaluator = val_evaluator
