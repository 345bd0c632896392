# RAVS, MiT-B5 + HTSAT (frozen, CLAP HTSAT-tiny 768-D embedding) on
# AVSBench-Object MS3 (binary, T=5).
# One 1 s waveform window at 48 kHz per frame (repeat-padded to 10 s
# inside HTSAT, CLAP repeatpad).
# Pretrained: pretrain/630k-audioset-best.pt (LAION-CLAP checkpoint).
_base_ = [
    './ravs_mit-b5-vggish_8xb2-40e_ms3-224x224.py',
    '../_base_/models/htsat_clap.py'
]
model, train_dataloader, val_dataloader, test_dataloader = \
    _base_.htsat_swap
