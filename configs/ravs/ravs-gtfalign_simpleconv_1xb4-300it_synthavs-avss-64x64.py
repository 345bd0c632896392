# Ablation (paper Table 3, "+GTF"), alignment reading: the baseline's
# cross-attention fusion plus an audio-visual alignment loss restricted to the
# ground-truth sounding regions (the fusion itself is not filtered, so
# training and testing run the same network). ravs-gtf_* is the
# fusion-filtering reading. See configs/ravs/README.md.
_base_ = ['./ravs-baseline_simpleconv_1xb4-300it_synthavs-avss-64x64.py', '../_base_/models/ravs_gtf_align_loss.py']
model = dict(av_losses=[{{_base_.gtf_align_loss}}])
