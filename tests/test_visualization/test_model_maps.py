# Copyright (c) mmavs contributors. All rights reserved.
"""Model maps: the extras of predict_with_extras and their per-frame maps,
against direct formulas."""
import math

import torch
from mmengine.config import Config

from mmavs.models.losses import InfoNCEGroupLoss
from mmavs.registry import MODELS
from mmavs.testing import synthetic_av_batch
from mmavs.utils import register_all_modules, repo_root
from mmavs.visualization import model_maps

RAVS = 'configs/ravs/ravs_simpleconv_1xb4-300it_synthavs-ms3-64x64.py'


class _Model(torch.nn.Module):

    def __init__(self, losses=()):
        super().__init__()
        self.av_losses = torch.nn.ModuleList(losses)


def _group_extras():
    # one frame, 2x2 tokens, 3 groups; audio along x
    audio = torch.tensor([[2.0, 0.0]])
    groups = torch.tensor([[[1.0, 0.0], [-3.0, 0.0], [0.0, 5.0]]])
    return dict(
        ama_group_index=[torch.tensor([[0, 1, 2, 0]])],
        ama_group_feats=[groups],
        ama_audio_feats=[audio],
        ama_visual_feats=[torch.zeros(1, 2, 2, 2)])


def test_group_maps_follow_eq8_with_the_models_parameters():
    # cosines 1, -1, 0 -> I = sigmoid(sigma * cos)
    maps = model_maps(_Model(), _group_extras())
    sig = lambda x: 1 / (1 + math.exp(-x))  # noqa: E731
    expected = torch.tensor([[[sig(10), sig(-10)], [sig(0), sig(10)]]])
    torch.testing.assert_close(maps['group_score'], expected)
    assert maps['group_positive'].tolist() == [[[True, False],
                                                [False, True]]]
    assert maps['group_id'].tolist() == [[[0, 1], [2, 0]]]
    loss = InfoNCEGroupLoss(sharpness=2.0, threshold=0.4)
    maps = model_maps(_Model([loss]), _group_extras())
    torch.testing.assert_close(
        maps['group_score'],
        torch.tensor([[[sig(2), sig(-2)], [sig(0), sig(2)]]]))
    assert maps['group_positive'].tolist() == [[[True, False],
                                                [True, True]]]


def test_uncertainty_map_of_the_predicted_class():
    unc = torch.rand(2, 3, 4, 4)
    logits = torch.randn(2, 3, 4, 4)
    maps = model_maps(_Model(), dict(uncertainty=unc, mask_logits=logits))
    pred = logits.argmax(1)
    expected = torch.stack([
        torch.stack([
            torch.stack([unc[n, pred[n, i, j], i, j] for j in range(4)])
            for i in range(4)
        ]) for n in range(2)
    ])
    torch.testing.assert_close(maps['uncertainty'], expected)
    binary = torch.rand(2, 2, 4, 4)
    maps = model_maps(_Model(), dict(uncertainty=binary))
    torch.testing.assert_close(maps['uncertainty'], binary[:, 1])
    assert model_maps(_Model(), dict(backbone_feats=[])) == {}


def test_predict_with_extras_predicts_as_predict():
    register_all_modules()
    cfg = Config.fromfile(f'{repo_root()}/{RAVS}')
    cfg.model.audio_backbone.init_cfg = None
    torch.manual_seed(0)
    model = MODELS.build(cfg.model).eval()
    batch = synthetic_av_batch(
        num_clips=1, num_frames=5, size=64, audio_shape=(96 * 64, ))
    with torch.no_grad():
        plain = model.predict(batch['inputs'], batch['data_samples'])
        withx, extras = model.predict_with_extras(batch['inputs'],
                                                  batch['data_samples'])
    for a, b in zip(plain, withx):
        torch.testing.assert_close(a.seg_logits.data, b.seg_logits.data)
    assert extras['audio_feat'].shape == (5, 128)
    unc = extras['uncertainty']  # minmax-normalised per frame (Eq. 11)
    assert unc.shape == (5, 2, 16, 16)
    torch.testing.assert_close(unc.flatten(1).amin(1), torch.zeros(5))
    torch.testing.assert_close(unc.flatten(1).amax(1), torch.ones(5))
    maps = model_maps(model, extras)
    assert maps['group_score'].shape == (5, 4, 4)  # last AMA stage, 1/16
    assert maps['group_id'].max() < 5  # 5 groups on that stage
