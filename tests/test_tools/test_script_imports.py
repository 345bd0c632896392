# Copyright (c) mmavs contributors. All rights reserved.
"""The demos and analysis tools import the installed mmavs: no script puts
the checkout on ``sys.path`` itself, and each starts from outside the
checkout with no ``PYTHONPATH``."""
import os
import os.path as osp
import subprocess
import sys

import pytest

from mmavs.testing import repo_root

SCRIPTS = ('demo/video_demo.py', 'demo/frames_demo.py',
           'tools/analysis_tools/similarity_hist.py',
           'tools/analysis_tools/robust_conditions.py',
           'tools/analysis_tools/visualize_maps.py',
           'tools/analysis_tools/benchmark_inference.py',
           'tools/analysis_tools/synthavs_oracles.py',
           'tools/analysis_tools/browse_dataset.py',
           'tools/misc/make_doc_figures.py')


@pytest.mark.parametrize('path', SCRIPTS)
def test_no_sys_path_insertion(path):
    with open(osp.join(repo_root(), path)) as f:
        source = f.read()
    assert 'sys.path.insert' not in source and \
        'sys.path.append' not in source, path


#: The scripts that import mmavs at module level (the others import it in
#: ``main``, after ``--help``).
TOP_LEVEL_IMPORTS = ('demo/video_demo.py', 'demo/frames_demo.py',
                     'tools/analysis_tools/synthavs_oracles.py')


@pytest.mark.slow
@pytest.mark.parametrize('path', TOP_LEVEL_IMPORTS)
def test_starts_outside_the_checkout(path, tmp_path):
    env = dict(os.environ, HF_HUB_OFFLINE='1')
    env.pop('PYTHONPATH', None)
    proc = subprocess.run(
        [sys.executable, osp.join(repo_root(), path), '--help'],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'usage:' in proc.stdout
