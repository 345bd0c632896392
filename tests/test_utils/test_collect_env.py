# Copyright (c) mmavs contributors. All rights reserved.
import os
import os.path as osp
import subprocess
import sys
from importlib.util import find_spec

import mmcv
import mmengine
import torch

from mmavs.testing import repo_root


def test_collect_env_prints_the_stack_and_compiled_ops():
    env = dict(os.environ)
    env.pop('PYTHONPATH', None)
    proc = subprocess.run([sys.executable, '-m', 'mmavs.utils.collect_env'],
                          capture_output=True,
                          text=True,
                          env=env,
                          cwd=osp.dirname(repo_root()),
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    lines = dict(
        line.split(': ', 1) for line in proc.stdout.splitlines()
        if ': ' in line and not line.startswith(' '))
    assert lines['PyTorch'] == torch.__version__
    assert lines['MMEngine'] == mmengine.__version__
    assert lines['MMCV'] == mmcv.__version__
    assert lines['MMCV compiled ops'] == str(
        find_spec('mmcv._ext') is not None)
    assert lines['MMSegmentation'] == '1.2.2'
    assert lines['mmavs'].startswith('0.1.0+')
    assert lines['mmavs path'] == osp.join(repo_root(), 'mmavs')
