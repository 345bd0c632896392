# Ablation: AMA after the encoder (post-hoc placement) instead of between its
# stages; AVEncoderDecoder runs AMANeck.forward on the finished backbone maps.
# Same parameters as the interleaved default
# ravs_simpleconv_1xb4-300it_synthavs-ms3-64x64.py.
_base_ = './ravs_simpleconv_1xb4-300it_synthavs-ms3-64x64.py'
model = dict(type='AVEncoderDecoder')
