# The RobustAVSDataset settings that every robust config shares (no loaders:
# a config lists this file next to the dataset fragment or config it wraps,
# e.g. robust_synthavs_s4.py, and wraps that base's datasets with these).
# Training: every clip once with its own audio plus 10% negative pairs
# (official: half silence, half off-screen audio of a category from another
# semantic group; empty target masks). Validation and test: every clip under
# positive / silence / noise / off-screen audio (25% each), scored per
# condition by RobustAVSMetric (the paper's table).
robust_train_wrapper = dict(
    type='RobustAVSDataset',
    negative_ratio=0.1,
    train_negatives=('silence', 'offscreen'),
    train_length='append')
robust_eval_wrapper = dict(
    type='RobustAVSDataset',
    conditions=('positive', 'silence', 'noise', 'offscreen'))
robust_evaluator = dict(type='RobustAVSMetric', mode='frame')
# Category grouping of the off-screen sources, per benchmark layout.
# AVSBench S4: the official S4 mapping of the clip categories.
avsbench_s4_robust = dict(category_groups='s4', seed=0)
# AVSBench MS3 clips have no category: as the official generator, off-screen
# sources are chosen from the sounding objects (a_obj, '_'-separated) of the
# AVSBench-Semantic metadata.csv rows with label 'v1m', grouped with the
# official MS3 mapping (avoid groups: music<->human, animal->human,
# device->music), a video drawn uniformly among the qualifying ones.
avsbench_ms3_robust = dict(
    category_groups='ms3',
    avoid_groups='ms3',
    category_file=dict(
        path='data/AVSBench-semantic/metadata.csv',
        id_column='vid',
        category_column='a_obj',
        separator='_',
        filters=dict(label='v1m')),
    offscreen_sampling='clip',
    seed=0)
# SynthAVS categories are grouped by how they sound (SYNTHAVS_CATEGORY_GROUPS:
# tonal / noisy / impulsive / sweeping).
synthavs_s4_robust = dict(category_groups='synthavs', seed=0)
# SynthAVS MS3 clips carry no category: the off-screen sources are chosen
# from the visible objects of the SynthAVS metadata (ms3_meta_data.csv,
# column 'objects', '+'-joined), drawn uniformly among the qualifying clips
# (the official MS3 generator).
synthavs_ms3_robust = dict(
    category_groups='synthavs',
    category_file=dict(
        path='Multi-sources/ms3_meta_data.csv',
        id_column='video_id',
        category_column='objects',
        separator='+'),
    offscreen_sampling='clip',
    seed=0)
# The classifier-guided similarity BCE of the robust paper: cosine between
# the pooled last visual stage and the audio embedding, BCE(sigmoid(cos), y),
# no temperature (official CosineModule). Configs set the channels.
robust_similarity_loss = dict(
    type='AVSimilarityLoss',
    visual_channels=512,
    audio_channels=128,
    similarity='cosine',
    loss_weight=1.0)
