# RAVS, MiT-B5 + HTSAT (frozen, CLAP HTSAT-tiny 768-D embedding) on VPO-SS
# (background + 21 classes, T=1 with 3 s of audio, 40 epochs as the paper). VPO
# items have 3 s of audio: one 3 s waveform chunk at 48 kHz per frame,
# repeat-padded to 10 s inside HTSAT (CLAP repeatpad). Pretrained:
# pretrain/630k-audioset-best.pt (LAION-CLAP checkpoint).
_base_ = [
    './ravs_mit-b5-vggish_8xb8-40e_vpo-ss-224x224.py',
    '../_base_/models/htsat_clap.py'
]
model, train_dataloader, val_dataloader, test_dataloader = \
    _base_.htsat_swap
