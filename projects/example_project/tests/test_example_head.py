# Copyright (c) mmavs contributors. All rights reserved.
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from mmavs.registry import MODELS
from mmavs.testing import data_root_options, repo_root, run_tool

CONFIG = ('projects/example_project/configs/'
          'film-sepfcn_simpleconv_1xb4-20it_synthavs-ms3-64x64.py')


def test_head_is_registered_only_through_custom_imports():
    import mmavs.models  # noqa: F401
    init_default_scope('mmavs')
    cfg = Config.fromfile(osp.join(repo_root(), CONFIG))
    assert cfg.custom_imports.imports == [
        'projects.example_project.example_head'
    ]
    from mmengine.utils import import_modules_from_strings
    import_modules_from_strings(**cfg.custom_imports)
    head = MODELS.build(cfg.model.decode_head)
    assert type(head).__module__.startswith('projects.example_project')
    logits = head([torch.randn(2, 16, 8, 8), torch.randn(2, 32, 4, 4),
                   torch.randn(2, 64, 2, 2)])
    assert logits.shape == (2, 1, 8, 8)


@pytest.mark.slow
def test_project_config_trains_with_tools_train(synthavs_small, tmp_path):
    opts = data_root_options(synthavs_small)
    for split in ('train', 'val', 'test'):
        opts += [f'{split}_dataloader.num_workers=0',
                 f'{split}_dataloader.persistent_workers=False',
                 f'{split}_dataloader.batch_size=2']
    opts += ['train_cfg.max_iters=3', 'train_cfg.val_interval=3',
             'default_hooks.checkpoint.interval=3']
    proc = run_tool(['tools/train.py', CONFIG, '--work-dir', str(tmp_path),
                     '--cfg-options'] + opts)
    assert osp.isfile(tmp_path / 'iter_3.pth')
    assert 'Iter(val)' in proc.stdout + proc.stderr
    ckpt = torch.load(tmp_path / 'iter_3.pth', map_location='cpu',
                      weights_only=False)
    assert any(k.startswith('decode_head.convs.0.depthwise_conv')
               for k in ckpt['state_dict'])
