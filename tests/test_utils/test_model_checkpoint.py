# Copyright (c) mmavs contributors. All rights reserved.
"""A checkpoint that does not fit the model is refused."""
import pytest
import torch
from torch import nn

import mmavs  # noqa: F401
from mmavs.testing import log_records
from mmavs.utils import (CheckpointMismatchError, load_model_checkpoint,
                         load_state_dict_checked)


def _net(widths):
    layers = [nn.Linear(a, b) for a, b in zip(widths[:-1], widths[1:])]
    return nn.Sequential(*layers)


def test_matching_checkpoint_loads_exactly(tmp_path):
    src, dst = _net([3, 4, 2]), _net([3, 4, 2])
    path = str(tmp_path / 'same.pth')
    torch.save(
        {
            'state_dict': {
                f'module.{k}': v
                for k, v in src.state_dict().items()
            }
        }, path)
    load_model_checkpoint(dst, path)  # DDP's module. prefix is stripped
    for key, value in src.state_dict().items():
        assert torch.equal(dst.state_dict()[key], value)


def test_wrong_checkpoint_lists_the_first_keys_and_counts_the_rest(tmp_path):
    # the model has 8 layers (16 keys); the checkpoint holds 2 of them, one
    # with another shape, plus 7 keys of another model
    model = _net([2] * 9)
    other = {k: v for k, v in _net([2] * 3).state_dict().items()}
    other['1.weight'] = torch.zeros(5, 2)
    other.update({f'head.{i}.weight': torch.zeros(1) for i in range(7)})
    path = str(tmp_path / 'other_model.pth')
    torch.save({'state_dict': other}, path)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    with pytest.raises(CheckpointMismatchError) as err:
        load_model_checkpoint(model, path)
    message = str(err.value)
    assert path in message
    missing = [f'{i}.{p}' for i in range(2, 8) for p in ('weight', 'bias')]
    assert ('12 parameter(s)/buffer(s) of the model are not in the '
            'checkpoint: ' + ', '.join(missing[:5]) + ' and 7 more') in message
    assert ('7 key(s) of the checkpoint are not in the model: head.0.weight'
            ', head.1.weight, head.2.weight, head.3.weight, head.4.weight '
            'and 2 more') in message
    assert '1.weight: checkpoint (5, 2) vs model (2, 2)' in message
    assert 'allow_partial_checkpoint=True' in message
    for key, value in model.state_dict().items():  # nothing was copied
        assert torch.equal(value, before[key])


def test_partial_load_is_allowed_and_logged(tmp_path):
    model = _net([2, 2, 2, 2])
    ckpt = {
        '0.weight': torch.full((2, 2), 3.0),
        '0.bias': torch.ones(2),
        '1.weight': torch.zeros(3, 3),
        'extra': torch.zeros(1)
    }
    with log_records() as records:
        report = load_state_dict_checked(
            model, ckpt, 'ckpt.pth', allow_partial=True)
    assert torch.equal(model[0].weight, ckpt['0.weight'])
    assert report['missing'] == ['1.bias', '2.weight', '2.bias']
    assert report['unexpected'] == ['extra']
    assert report['mismatched'] == [
        '1.weight: checkpoint (3, 3) vs model '
        '(2, 2)'
    ]
    logged = ' '.join(r.getMessage() for r in records
                      if r.levelname == 'WARNING')
    assert 'allow_partial_checkpoint=True: loading checkpoint ckpt.pth ' \
        'partially' in logged
    assert '3 parameter(s)/buffer(s)' in logged and 'extra' in logged
