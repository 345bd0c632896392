# The data preprocessor of the AVSBench-family models: RGB frames normalised
# with the ImageNet mean / std (the official Normalize), padded to a multiple
# of 32 with 0, masks padded with the ignore index 255. Model configs list
# this file in _base_ and set model.data_preprocessor=_base_.data_preprocessor
# (a top-level data_preprocessor, as mmseg's model configs have).
data_preprocessor = dict(
    type='AVDataPreprocessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    size_divisor=32,
    pad_val=0,
    seg_pad_val=255)
