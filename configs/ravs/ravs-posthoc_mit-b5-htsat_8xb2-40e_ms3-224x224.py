# Ablation: AMA after the encoder (post-hoc placement) instead of between its
# stages; AVEncoderDecoder runs AMANeck.forward on the finished backbone maps.
# Same parameters as the interleaved default.
_base_ = './ravs_mit-b5-htsat_8xb2-40e_ms3-224x224.py'
model = dict(type='AVEncoderDecoder')
