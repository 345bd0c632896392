# RAVS "+GTF" (alignment reading): an audio-visual alignment loss restricted
# to the ground-truth sounding regions: AVMKLLoss on AMANeck's stages (the
# aligned maps and the projected audio), masks from the ground truth,
# averaged over the valid frames. Used by configs/ravs/ravs-gtfalign_*.py as
# `av_losses=[{{_base_.gtf_align_loss}}]`. AMANeck's maps are read as they
# are (no decoder rectifies them, unlike TPAVI's: rectify_visual=False).
gtf_align_loss = dict(
    type='AVMKLLoss',
    stages=(0, 1, 2),
    loss_weight=0.5,
    mask_source='gt',
    reduction='mean',
    visual_key='ama_visual_feats',
    audio_key='ama_audio_feats',
    loss_name='loss_gtf_align',
    rectify_visual=False)
