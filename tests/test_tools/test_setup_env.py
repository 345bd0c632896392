# Copyright (c) mmavs contributors. All rights reserved.
"""tools/setup_env.sh: one shared heavy environment, one light .venv per clone
with that clone installed in editable mode."""
import os
import os.path as osp
import shutil
import subprocess

import pytest

from mmavs.testing import repo_root

PACKAGE_FILES = ('setup.py', 'setup.cfg', 'pyproject.toml', 'MANIFEST.in',
                 'README.md', 'model-index.yml')


def _fake_repo(tmp_path, name='repo', marker='fake'):
    """A clone with the real set-up files and a stub ``mmavs`` package."""
    repo = tmp_path / name
    (repo / 'tools').mkdir(parents=True)
    shutil.copy(osp.join(repo_root(), 'tools', 'setup_env.sh'), repo / 'tools')
    shutil.copytree(
        osp.join(repo_root(), 'requirements'), repo / 'requirements')
    for f in PACKAGE_FILES:
        shutil.copy(osp.join(repo_root(), f), repo / f)
    (repo / 'configs').mkdir()
    (repo / 'mmavs').mkdir()
    shutil.copy(osp.join(repo_root(), 'mmavs', 'version.py'), repo / 'mmavs')
    (repo / 'mmavs' / '__init__.py').write_text(f'MARKER = {marker!r}\n')
    return repo


def _run(repo, cache, *args, timeout=300):
    env = dict(os.environ, MMAVS_CACHE=str(cache))
    env.pop('PYTHONPATH', None)
    return subprocess.run(
        ['bash', str(repo / 'tools' / 'setup_env.sh'), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout)


def _shared_env():
    proc = subprocess.run(
        ['bash',
         osp.join(repo_root(), 'tools', 'setup_env.sh'), '--path'],
        capture_output=True,
        text=True,
        check=True)
    venv = proc.stdout.strip()
    if not osp.isfile(osp.join(venv, '.mmavs-ready')):
        pytest.skip(f'the shared environment {venv} is not built')
    return venv


def _import(python, module, attr, cwd):
    env = dict(os.environ)
    env.pop('PYTHONPATH', None)
    proc = subprocess.run(
        [python, '-c', f'import {module} as m; print(m.{attr})'],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip().splitlines()[-1]


def test_environment_key_follows_the_requirements(tmp_path):
    repo = _fake_repo(tmp_path)
    cache = tmp_path / 'cache'
    before = _run(repo, cache, '--path').stdout.strip()
    assert osp.dirname(before) == str(cache)
    assert osp.basename(before).startswith('venv-')
    assert _run(repo, cache, '--path').stdout.strip() == before
    with open(repo / 'requirements' / 'pinned.txt', 'a') as f:
        f.write('six==1.16.0\n')
    assert _run(repo, cache, '--path').stdout.strip() != before


def test_clone_gets_its_own_editable_env_over_the_shared_one(tmp_path):
    shared = _shared_env()
    repo = _fake_repo(tmp_path)
    cache = tmp_path / 'cache'
    key_path = _run(repo, cache, '--path').stdout.strip()
    # the fake clone has the real requirements: reuse the built environment
    assert osp.basename(key_path) == osp.basename(shared)
    cache.mkdir()
    os.symlink(shared, key_path)
    # the former layout: .venv linked to the shared environment
    os.symlink(shared, repo / '.venv')

    proc = _run(repo, cache)
    assert proc.returncode == 0, proc.stderr
    local = str(repo / '.venv')
    assert proc.stdout.strip() == local
    assert 'creating' not in proc.stderr  # the heavy layer was reused
    assert not osp.islink(local) and osp.isdir(local)
    assert osp.isfile(osp.join(shared, '.mmavs-ready'))  # link removed only
    python = osp.join(local, 'bin', 'python')
    # the stub of this clone, not anything else, and no PYTHONPATH
    assert _import(python, 'mmavs', 'MARKER', cwd=tmp_path) == 'fake'
    assert _import(
        python, 'mmavs', '__file__',
        cwd=tmp_path) == str(repo / 'mmavs' / '__init__.py')
    # the heavy packages come from the shared layer
    yaml_file = _import(python, 'yaml', '__file__', cwd=tmp_path)
    assert osp.realpath(yaml_file).startswith(osp.realpath(shared) + os.sep)
    # mim's links
    for name in ('configs', 'tools', 'model-index.yml'):
        link = repo / 'mmavs' / '.mim' / name
        assert osp.islink(link) and osp.samefile(link, repo / name)
    # console scripts of the shared layer run with the clone's interpreter
    with open(osp.join(local, 'bin', 'pytest')) as f:
        assert f.readline().strip() == f'#!{python}'

    # a second run changes nothing
    mtime = os.stat(osp.join(local, '.mmavs-stamp')).st_mtime_ns
    proc = _run(repo, cache)
    assert proc.returncode == 0, proc.stderr
    assert 'making' not in proc.stderr
    assert os.stat(osp.join(local, '.mmavs-stamp')).st_mtime_ns == mtime


def test_a_foreign_venv_is_not_replaced(tmp_path):
    repo = _fake_repo(tmp_path)
    cache = tmp_path / 'cache'
    venv = _run(repo, cache, '--path').stdout.strip()
    shared = _shared_env()
    cache.mkdir()
    os.symlink(shared, venv)
    (repo / '.venv').mkdir()
    (repo / '.venv' / 'mine.txt').write_text('keep')
    proc = _run(repo, cache)
    assert proc.returncode != 0
    assert 'was not made by tools/setup_env.sh' in proc.stderr
    assert (repo / '.venv' / 'mine.txt').read_text() == 'keep'


def test_mmavs_in_the_shared_env_is_refused(tmp_path):
    """A package named mmavs in the shared layer would reach every clone."""
    repo = _fake_repo(tmp_path)
    cache = tmp_path / 'cache'
    venv = _run(repo, cache, '--path').stdout.strip()
    # a stand-in shared environment: a real interpreter, one planted package
    subprocess.run(['python3', '-m', 'venv', '--without-pip', venv],
                   check=True)
    open(osp.join(venv, '.mmavs-ready'), 'w').close()
    site = subprocess.run([
        osp.join(venv, 'bin', 'python'), '-c',
        'import sysconfig; print(sysconfig.get_paths()["purelib"])'
    ],
                          capture_output=True,
                          text=True,
                          check=True).stdout.strip()
    os.makedirs(osp.join(site, 'mmavs'))
    proc = _run(repo, cache)
    assert proc.returncode != 0
    assert osp.join(site, 'mmavs') in proc.stderr
    assert not (repo / '.venv').exists()


@pytest.mark.slow
def test_two_git_clones_import_their_own_code(tmp_path):
    """Two clones of this repository share the cached environment and each
    imports its own mmavs (the committed HEAD), from any working dir."""
    _shared_env()
    pythons = {}
    for name in ('a', 'b'):
        clone = tmp_path / name
        subprocess.run(
            ['git', 'clone', '-q',
             repo_root(), str(clone)],
            check=True,
            timeout=120)
        with open(clone / 'mmavs' / 'version.py', 'a') as f:
            f.write(f'CLONE = {name!r}\n')
        env = dict(os.environ)
        env.pop('PYTHONPATH', None)
        proc = subprocess.run(
            ['bash', str(clone / 'tools' / 'setup_env.sh')],
            capture_output=True,
            text=True,
            env=env,
            timeout=600)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.strip() == str(clone / '.venv')
        pythons[name] = str(clone / '.venv' / 'bin' / 'python')
    for name, python in pythons.items():
        other = tmp_path / ('b' if name == 'a' else 'a')
        # from the other clone's root: still this clone's package
        assert _import(
            python, 'mmavs.version', 'CLONE', cwd=other / 'tools') == name
        assert _import(
            python, 'mmavs', '__file__',
            cwd=tmp_path) == str(tmp_path / name / 'mmavs' / '__init__.py')
        # collect_env names the package it imports (outside both clones:
        # `python -m` puts the working dir first on sys.path)
        env = dict(os.environ, HF_HUB_OFFLINE='1')
        env.pop('PYTHONPATH', None)
        proc = subprocess.run([python, '-m', 'mmavs.utils.collect_env'],
                              capture_output=True,
                              text=True,
                              env=env,
                              cwd=tmp_path,
                              timeout=300)
        assert proc.returncode == 0, proc.stderr
        assert f'mmavs path: {tmp_path / name / "mmavs"}' in proc.stdout
