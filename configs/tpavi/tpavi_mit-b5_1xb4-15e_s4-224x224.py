# TPAVI with a MiT-B5 (SegFormer) backbone on S4; mmseg MixVisionTransformer
# with the b5 settings. Pretrained: mmseg-format mit_b5 weights
# (convert NVlabs' mit_b5.pth with mmseg's
# tools/model_converters/mit2mmseg.py).
_base_ = './tpavi_pvt-v2-b5_1xb4-15e_s4-224x224.py'
model = dict(
    backbone=dict(
        _delete_=True,
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
        init_cfg=dict(type='Pretrained', checkpoint='pretrain/mit_b5.pth')),
    neck=dict(in_channels=(64, 128, 320, 512)))
