# The segmentation losses the model configs share: binary tasks (S4, MS3)
# train one sigmoid channel with BCE, semantic tasks (AVSS, VPO) softmax over
# the classes with CE; both averaged over the supervised (non-ignored)
# pixels.
binary_bce_loss = dict(
    type='CrossEntropyLoss',
    use_sigmoid=True,
    avg_non_ignore=True,
    loss_weight=1.0)
semantic_ce_loss = dict(binary_bce_loss, use_sigmoid=False)
