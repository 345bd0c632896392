# Copyright (c) mmavs contributors. All rights reserved.
import os
import os.path as osp
import shutil
import subprocess

from mmavs.testing import repo_root


def _fake_repo(tmp_path):
    repo = tmp_path / 'repo'
    (repo / 'tools').mkdir(parents=True)
    shutil.copy(osp.join(repo_root(), 'tools', 'setup_env.sh'), repo / 'tools')
    shutil.copytree(osp.join(repo_root(), 'requirements'),
                    repo / 'requirements')
    return repo


def _run(repo, cache, *args):
    env = dict(os.environ, MMAVS_CACHE=str(cache))
    return subprocess.run(['bash', str(repo / 'tools' / 'setup_env.sh'),
                           *args], capture_output=True, text=True, env=env,
                          timeout=60)


def test_ready_environment_is_reused_without_pip(tmp_path):
    repo = _fake_repo(tmp_path)
    cache = tmp_path / 'cache'
    venv = _run(repo, cache, '--path').stdout.strip()
    assert osp.dirname(venv) == str(cache)
    assert osp.basename(venv).startswith('venv-')
    # a finished environment (marker written last) must be reused as it is
    os.makedirs(osp.join(venv, 'bin'))
    open(osp.join(venv, '.mmavs-ready'), 'w').close()
    proc = _run(repo, cache)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == venv
    assert 'creating' not in proc.stderr
    assert os.readlink(repo / '.venv') == venv
    assert not os.path.exists(osp.join(cache, f'install-{osp.basename(venv)[5:]}.log'))


def test_environment_key_follows_the_requirements(tmp_path):
    repo = _fake_repo(tmp_path)
    cache = tmp_path / 'cache'
    before = _run(repo, cache, '--path').stdout.strip()
    assert _run(repo, cache, '--path').stdout.strip() == before
    with open(repo / 'requirements' / 'pinned.txt', 'a') as f:
        f.write('six==1.16.0\n')
    assert _run(repo, cache, '--path').stdout.strip() != before
