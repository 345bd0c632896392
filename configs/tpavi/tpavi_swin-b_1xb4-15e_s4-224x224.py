# TPAVI with a Swin-B (window 7, ImageNet-22k 224 pretraining) backbone on S4;
# mmseg SwinTransformer. Pretrained: mmseg-format weights (convert the
# official swin_base_patch4_window7_224_22k.pth with mmseg's
# tools/model_converters/swin2mmseg.py).
_base_ = './tpavi_pvt-v2-b5_1xb4-15e_s4-224x224.py'
model = dict(
    backbone=dict(
        _delete_=True,
        type='SwinTransformer',
        pretrain_img_size=224,
        embed_dims=128,
        patch_size=4,
        window_size=7,
        mlp_ratio=4,
        depths=[2, 2, 18, 2],
        num_heads=[4, 8, 16, 32],
        strides=(4, 2, 2, 2),
        out_indices=(0, 1, 2, 3),
        qkv_bias=True,
        qk_scale=None,
        patch_norm=True,
        drop_rate=0.0,
        attn_drop_rate=0.0,
        drop_path_rate=0.3,
        use_abs_pos_embed=False,
        act_cfg=dict(type='GELU'),
        norm_cfg=dict(type='LN', requires_grad=True),
        init_cfg=dict(
            type='Pretrained',
            checkpoint='pretrain/swin_base_patch4_window7_224_22k.pth')),
    neck=dict(in_channels=(128, 256, 512, 1024)))
