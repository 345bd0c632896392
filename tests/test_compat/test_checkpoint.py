# Copyright (c) mmavs contributors. All rights reserved.
import pickle

import pytest
import torch
from mmengine.logging import MessageHub
from mmengine.runner.checkpoint import _load_checkpoint

import mmavs  # noqa: F401  (registers the loader)
from mmavs.compat import trust_checkpoint


def _save_mmengine_like_checkpoint(path):
    hub = MessageHub.get_instance('mmavs_ckpt_test')
    hub.update_scalar('train/loss', 0.5)
    torch.save(
        dict(
            meta=dict(epoch=1, iter=10),
            state_dict={'w': torch.ones(2)},
            message_hub=hub.state_dict()), path)


def test_untrusted_checkpoint_keeps_weights_only_default(tmp_path):
    path = str(tmp_path / 'untrusted.pth')
    _save_mmengine_like_checkpoint(path)
    # torch's safe default refuses mmengine's HistoryBuffer
    with pytest.raises(pickle.UnpicklingError, match='HistoryBuffer'):
        _load_checkpoint(path)


def test_trusted_checkpoint_loads(tmp_path):
    path = str(tmp_path / 'named_by_user.pth')
    _save_mmengine_like_checkpoint(path)
    trust_checkpoint(path)
    ckpt = _load_checkpoint(path)
    assert ckpt['meta']['iter'] == 10
    torch.testing.assert_close(ckpt['state_dict']['w'], torch.ones(2))
    assert 'train/loss' in ckpt['message_hub']['log_scalars']


def test_plain_weights_load_without_trust(tmp_path):
    path = str(tmp_path / 'weights.pth')
    torch.save({'state_dict': {'w': torch.zeros(3)}}, path)
    assert _load_checkpoint(path)['state_dict']['w'].shape == (3, )


def test_missing_checkpoint_names_the_path(tmp_path):
    missing = str(tmp_path / 'nope.pth')
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        _load_checkpoint(missing)
