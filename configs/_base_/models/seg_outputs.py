# The output conventions the model configs share. Binary tasks (S4, MS3):
# one sigmoid channel (num_classes=2, out_channels=1) thresholded at 0.5,
# trained with BCE; a decode head takes `**binary_output`. Semantic tasks
# (AVSS, VPO): softmax over the classes with CE, no threshold (the configs
# set num_classes / out_channels). Both losses average over the supervised
# (non-ignored) pixels.
binary_output = dict(
    num_classes=2, out_channels=1, threshold=0.5, align_corners=False)
binary_bce_loss = dict(
    type='CrossEntropyLoss',
    use_sigmoid=True,
    avg_non_ignore=True,
    loss_weight=1.0)
semantic_ce_loss = dict(binary_bce_loss, use_sigmoid=False)
