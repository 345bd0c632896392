# A CPU-sized TPAVI for SynthAVS (64x64, T=5): the official structure
# (per-stage ASPP, TPAVI at every stage over the clip's frames, fusion
# decoder, sigmoid BCE) with small widths. The encoders are those of
# simpleconv_synthavs.py (SimpleConvNet, the frozen SynthAVS audio MLP in the
# place of the frozen pretrained VGGish).
_base_ = ['./tpavi_pvt-v2-b5.py', './simpleconv_synthavs.py']
model = dict(
    _base_.simpleconv_swap,
    neck=dict(_base_.simpleconv_swap.neck, channels=32),
    decode_head=dict(
        in_channels=(32, 32, 32, 32), channels=8, mid_channels=16))
