# Copyright (c) mmavs contributors. All rights reserved.
"""BackboneFreezeHook: the official AVSegFormer backbone freezing."""
from types import SimpleNamespace

import pytest
from mmengine.model import MMDistributedDataParallel
from torch import nn

from mmavs.registry import HOOKS
from mmavs.utils import register_all_modules

register_all_modules()


class _Model(nn.Module):

    def __init__(self):
        super().__init__()
        self.backbone = nn.Linear(2, 2)
        self.head = nn.Linear(2, 1)


def test_frozen_for_the_first_epochs_only():
    hook = HOOKS.build(dict(type='BackboneFreezeHook', freeze_epochs=2))
    model = _Model()
    seen = []
    for epoch in range(4):
        hook.before_train_epoch(SimpleNamespace(model=model, epoch=epoch))
        seen.append(model.backbone.weight.requires_grad)
        assert model.backbone.bias.requires_grad == seen[-1]
        assert model.head.weight.requires_grad
    assert seen == [False, False, True, True]
    # resuming at epoch 1 freezes again
    hook.before_train_epoch(SimpleNamespace(model=model, epoch=1))
    assert not model.backbone.weight.requires_grad


def test_errors():
    with pytest.raises(ValueError, match='>= 0'):
        HOOKS.build(dict(type='BackboneFreezeHook', freeze_epochs=-1))
    hook = HOOKS.build(
        dict(type='BackboneFreezeHook', freeze_epochs=1, module='neck'))
    with pytest.raises(AttributeError, match="'neck'"):
        hook.before_train_epoch(SimpleNamespace(model=_Model(), epoch=0))
    wrapped = MMDistributedDataParallel.__new__(MMDistributedDataParallel)
    with pytest.raises(RuntimeError, match='distributed wrapper'):
        hook.before_train_epoch(SimpleNamespace(model=wrapped, epoch=0))
