# Copyright (c) mmavs contributors. All rights reserved.
from .av_similarity_loss import AVSimilarityLoss
from .avm_kl_loss import AVMKLLoss
from .base_av_loss import BaseAVLoss
from .evidential_loss import EvidentialLoss
from .infonce_loss import InfoNCEGroupLoss, group_audio_alignment
from .iou_loss import IoULoss
from .mix_loss import MixLoss
from .soft_dice_loss import SoftDiceLoss

__all__ = [
    'AVMKLLoss', 'AVSimilarityLoss', 'BaseAVLoss', 'EvidentialLoss',
    'InfoNCEGroupLoss', 'IoULoss', 'MixLoss', 'SoftDiceLoss',
    'group_audio_alignment'
]
