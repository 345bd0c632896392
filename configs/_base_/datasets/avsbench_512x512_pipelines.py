# The pipelines of the official AVSegFormer S4/MS3 loaders
# (dataloader/{s4,ms3}_dataset.py): frames and masks resized to 512 x 512,
# no augmentation; val/test masks scored at 512 x 512. Used by
# avsbench_{s4,ms3}_512x512.py.
avsegformer_train_pipeline = [
    dict(type='LoadAVFrames'),
    dict(type='LoadAVAnnotations'),
    dict(type='LoadAVAudio', representation='vggish'),
    dict(type='ClipResize', scale=(512, 512), keep_ratio=False),
    dict(type='PackAVSInputs'),
]
avsegformer_test_pipeline = [
    dict(type='LoadAVFrames'),
    dict(type='LoadAVAnnotations'),
    dict(type='LoadAVAudio', representation='vggish'),
    dict(
        type='ClipResize',
        scale=(512, 512),
        keep_ratio=False,
        eval_at_resized=True),
    dict(type='PackAVSInputs'),
]
# The loader overrides of the 512 x 512 datasets (batch 2 as the official S4
# and MS3 configs; epoch-based, the finite shuffled sampler of
# avsbench_loaders.py): avsbench_s4_512x512.py and avsbench_ms3_512x512.py.
avsegformer_train_loader = dict(
    batch_size=2, dataset=dict(pipeline=avsegformer_train_pipeline))
avsegformer_eval_loader = dict(
    dataset=dict(pipeline=avsegformer_test_pipeline))
