# Copyright (c) mmavs contributors. All rights reserved.
"""The per-frame maps behind a model's prediction, from its extras.

:meth:`AVEncoderDecoder.predict_with_extras` returns the intermediate
outputs of a model explicitly; :func:`model_maps` turns the ones that have
a picture in the papers into per-frame maps:

- ``uncertainty`` [N, h, w] (RAVS Fig. 6): the normalised Dirichlet
  variance ``delta`` of :class:`UncertaintyHead` (the map its Eq. 11
  divides the mask probabilities by), for the class predicted at each pixel
  (for binary heads both classes have the same variance);
- ``group_score`` [N, h, w] and ``group_positive`` [N, h, w] (RAVS Fig. 5):
  the audio alignment ``I = sigmoid(sigma_a * cos(f_a, G_p))`` (Eq. 8) of
  the DPC-KNN group each token of an AMA stage belongs to, and whether the
  group is a positive sample (``I > epsilon_a``), and ``group_id``
  [N, h, w] (the token's group). ``sigma_a`` and
  ``epsilon_a`` are those of the model's :class:`InfoNCEGroupLoss`
  (defaults 10 and 0.5 without one).

Maps are at the resolution of the layer that makes them (1/4 of the input
for the uncertainty, the AMA stage's token grid for the groups).
"""
from typing import Dict, Optional

import torch
from torch import Tensor, nn

from mmavs.models.losses import group_audio_alignment

__all__ = ['model_maps', 'alignment_params', 'MAP_NAMES']

#: The maps :func:`model_maps` can return.
MAP_NAMES = ('uncertainty', 'group_score', 'group_positive', 'group_id')


def alignment_params(model: nn.Module) -> Dict[str, float]:
    """``sharpness`` (sigma_a) and ``threshold`` (epsilon_a) of the model's
    contrastive group loss, else the defaults (10, 0.5)."""
    for module in getattr(model, 'av_losses', []):
        if hasattr(module, 'sharpness') and hasattr(module, 'threshold'):
            return dict(
                sharpness=float(module.sharpness),
                threshold=float(module.threshold),
                stage=int(getattr(module, 'stage', -1)))
    return dict(sharpness=10.0, threshold=0.5, stage=-1)


@torch.no_grad()
def model_maps(model: nn.Module,
               extras: dict,
               stage: Optional[int] = None) -> Dict[str, Tensor]:
    """Per-frame maps from the extras of ``predict_with_extras``.

    Args:
        model (nn.Module): The model (for the group-alignment parameters).
        extras (dict): The extras.
        stage (int, optional): AMA stage of the group maps. Defaults to the
            stage of the model's contrastive loss (the last).

    Returns:
        dict[str, Tensor]: The maps the model has (see module docstring);
        empty for a model with neither uncertainty nor AMA groups.
    """
    maps: Dict[str, Tensor] = {}
    unc = extras.get('uncertainty')
    if unc is not None:
        if unc.shape[1] <= 2:
            maps['uncertainty'] = unc[:, -1].float()
        else:
            pred = extras['mask_logits'].argmax(1, keepdim=True)
            maps['uncertainty'] = unc.gather(1, pred)[:, 0].float()
    if extras.get('ama_group_index'):
        params = alignment_params(model)
        stage = params['stage'] if stage is None else stage
        index = extras['ama_group_index'][stage]
        _, score = group_audio_alignment(extras['ama_group_feats'][stage],
                                         extras['ama_audio_feats'][stage],
                                         params['sharpness'])
        h, w = extras['ama_visual_feats'][stage].shape[2:]
        token = score.gather(1, index.long()).view(-1, h, w).float()
        maps['group_score'] = token
        maps['group_positive'] = token > params['threshold']
        maps['group_id'] = index.view(-1, h, w).long()
    return maps
