# RAVS, MiT-B5 + VGGish on VPO-SS (background + 21 classes, T=1 with 3 s of
# audio, 40 epochs as the paper). Full model: AMA (SGSM + CST) + UE. See
# configs/ravs/README.md. VGGish on VPO: an item has 3 s of audio, i.e. VGGish
# examples [1, 3, 96, 64]; VGGish averages the embeddings of the 3 examples.
_base_ = [
    '../_base_/models/ravs_mit-b5_vggish_semantic.py',
    '../_base_/datasets/vpo.py',
    '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_adamw_1e-4_warmup2e_40e.py',
]
model = dict(decode_head=dict(num_frames=1, num_classes=22, out_channels=22))
