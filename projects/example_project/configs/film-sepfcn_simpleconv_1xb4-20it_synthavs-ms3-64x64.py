# The FiLM baseline with the project's SeparableFCNHead, which is registered
# only through custom_imports (the project is not part of the mmavs package).
_base_ = ['../../../configs/film/film_simpleconv_1xb4-300it_synthavs-ms3-64x64.py']
custom_imports = dict(
    imports=['projects.example_project.example_head'],
    allow_failed_imports=False)
model = dict(
    decode_head=dict(
        _delete_=True,
        type='SeparableFCNHead',
        in_channels=(16, 32, 64),
        in_index=(0, 1, 2),
        input_transform='resize_concat',
        channels=32,
        num_convs=2,
        dropout_ratio=0.0,
        num_classes=2,
        out_channels=1,
        threshold=0.5,
        norm_cfg=dict(type='BN'),
        align_corners=False,
        loss_decode=dict(
            type='CrossEntropyLoss',
            use_sigmoid=True,
            avg_non_ignore=True,
            loss_weight=1.0)))
train_cfg = dict(max_iters=20, val_interval=20)
default_hooks = dict(
    checkpoint=dict(interval=20), logger=dict(interval=5))
