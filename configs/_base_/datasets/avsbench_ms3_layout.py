# What the AVSBench-Object MS3 layout changes on the S4 datasets of
# avsbench_s4.py: dataset type, annotation file and folders. Shared by
# avsbench_ms3.py and robust_avsbench_ms3.py.
avsbench_ms3_layout = dict(
    type='AVSBenchMS3Dataset',
    ann_file='Multi-sources/ms3_meta_data.csv',
    data_prefix=dict(
        frame_path='Multi-sources/ms3_data/visual_frames',
        mask_path='Multi-sources/ms3_data/gt_masks',
        audio_path='Multi-sources/ms3_data/audio_wav',
        audio_feat_path='Multi-sources/ms3_data/audio_log_mel'))
