# Copyright (c) mmavs contributors. All rights reserved.
"""Tests that need the real recordings of ../shared/data skip and say why
when they are absent, and fail instead under MMAVS_REQUIRE_SHARED_DATA=1
(which CI's .ci/run sets)."""
import os
import os.path as osp
import subprocess
import sys

from mmavs.testing import repo_root, tool_env

TEST = ('tests/test_datasets/test_audio_features.py::'
        'test_vggish_parity_on_real_recordings')


def _pytest(tmp_path, **env):
    full = dict(tool_env(), MMAVS_SHARED_DATA=str(tmp_path / 'absent'))
    full.pop('MMAVS_REQUIRE_SHARED_DATA', None)
    full.update(env)
    return subprocess.run([
        sys.executable, '-m', 'pytest', '-q', '-rs', '-p', 'no:cacheprovider',
        TEST
    ],
                          cwd=repo_root(),
                          env=full,
                          capture_output=True,
                          text=True,
                          timeout=300)


def test_absent_shared_data_skips_with_a_reason(tmp_path):
    proc = _pytest(tmp_path)
    assert proc.returncode == 0, proc.stdout[-2000:]
    assert '1 skipped' in proc.stdout
    assert 'SKIPPED' in proc.stdout and 'not found at' in proc.stdout
    assert '../shared/data' in proc.stdout


def test_absent_shared_data_fails_when_required(tmp_path):
    proc = _pytest(tmp_path, MMAVS_REQUIRE_SHARED_DATA='1')
    assert proc.returncode != 0
    assert '1 error' in proc.stdout
    assert 'MMAVS_REQUIRE_SHARED_DATA=1 requires them' in proc.stdout


def test_ci_requires_shared_data():
    with open(osp.join(repo_root(), '.ci', 'run')) as f:
        lines = [line.strip() for line in f]
    assert 'export MMAVS_REQUIRE_SHARED_DATA=1' in lines
    assert lines.index('export MMAVS_REQUIRE_SHARED_DATA=1') < lines.index(
        'bash tools/run_tests.sh')
    assert os.access(osp.join(repo_root(), '.ci', 'run'), os.X_OK)
