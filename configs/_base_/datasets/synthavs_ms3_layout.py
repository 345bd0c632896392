# What the SynthAVS MS3-like layout changes on the S4-like datasets of
# synthavs_s4.py: dataset type, annotation file and folders. Shared by
# synthavs_ms3.py and robust_synthavs_ms3.py.
synthavs_ms3_layout = dict(
    type='AVSBenchMS3Dataset',
    ann_file='Multi-sources/ms3_meta_data.csv',
    data_prefix=dict(
        frame_path='Multi-sources/ms3_data/visual_frames',
        mask_path='Multi-sources/ms3_data/gt_masks',
        audio_path='Multi-sources/ms3_data/audio_wav'))
