# timm's PVT-v2-B5 (stage widths 64/128/320/512, drop path 0.1 as the
# official pvt_v2_b5()), as a variable: a backbone swap is the one override
# `model = dict(backbone={{_base_.pvt_v2_b5_backbone}})` on a sibling config
# whose stages have these widths. Pretrained: pretrain/pvt_v2_b5_timm.pth
# (tools/model_converters/avsbench2mmavs.py --pvt-imagenet).
pvt_v2_b5_backbone = dict(
    _delete_=True,
    type='TIMMBackbone',
    model_name='pvt_v2_b5',
    features_only=True,
    pretrained=False,
    drop_path_rate=0.1,
    init_cfg=dict(type='Pretrained', checkpoint='pretrain/pvt_v2_b5_timm.pth'))
