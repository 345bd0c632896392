# RAVS, MiT-B5 + VGGish on AVSBench-Object MS3, with a 256-channel decoder (fusion,
# temporal attention and uncertainty head) in place of SegFormer-B5's 768:
# an option, not the paper's reading (see "Decoder width" in
# configs/ravs/README.md for its FLOPs, parameters and time).
_base_ = './ravs_mit-b5-vggish_8xb2-40e_ms3-224x224.py'
model = dict(decode_head=dict(channels=256))
