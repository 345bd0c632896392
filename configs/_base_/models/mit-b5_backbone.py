# mmseg's MixVisionTransformer with the SegFormer MiT-B5 settings (stage
# widths 64/128/320/512, drop path 0.1), as a variable: RAVS uses it as its
# backbone, a swap on another config is the one override
# `model = dict(backbone=dict(_base_.mit_b5_backbone, _delete_=True))` (with
# the neck's in_channels when they differ). Pretrained: pretrain/mit_b5.pth
# (NVlabs' mit_b5.pth converted with mmseg's
# tools/model_converters/mit2mmseg.py).
mit_b5_backbone = dict(
    type='MixVisionTransformer',
    in_channels=3,
    embed_dims=64,
    num_stages=4,
    num_layers=[3, 6, 40, 3],
    num_heads=[1, 2, 5, 8],
    patch_sizes=[7, 3, 3, 3],
    sr_ratios=[8, 4, 2, 1],
    out_indices=(0, 1, 2, 3),
    mlp_ratio=4,
    qkv_bias=True,
    drop_rate=0.0,
    attn_drop_rate=0.0,
    drop_path_rate=0.1,
    init_cfg=dict(type='Pretrained', checkpoint='pretrain/mit_b5.pth'))
