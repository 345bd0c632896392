# Copyright (c) mmavs contributors. All rights reserved.
"""Model zoo metadata: model-index.yml, configs/*/metafile.yaml, and mim."""
import glob
import os
import os.path as osp
import subprocess

import pytest
import yaml

from mmavs.testing import repo_root

METHOD_FOLDERS = ('tpavi', 'ravs', 'robust', 'film', 'avsegformer')


def _load(path):
    with open(osp.join(repo_root(), path)) as f:
        return yaml.safe_load(f)


def _metafiles():
    return _load('model-index.yml')['Import']


def test_model_index_imports_every_method_folder():
    """Every folder of configs/ but _base_ has a metafile in the index."""
    folders = sorted(
        name for name in os.listdir(osp.join(repo_root(), 'configs'))
        if name != '_base_'
        and osp.isdir(osp.join(repo_root(), 'configs', name)))
    assert set(METHOD_FOLDERS) <= set(folders)
    assert sorted(_metafiles()) == [
        f'configs/{name}/metafile.yaml' for name in folders
    ]


def test_metafiles_list_every_config_and_only_existing_ones():
    names = set()
    for metafile in _metafiles():
        folder = osp.dirname(metafile)
        doc = _load(metafile)
        collections = {c['Name'] for c in doc['Collections']}
        listed = []
        for model in doc['Models']:
            assert model['In Collection'] in collections, model['Name']
            config = model['Config']
            assert osp.isfile(osp.join(repo_root(), config)), config
            assert osp.dirname(config) == folder, config
            assert model['Name'] == osp.splitext(osp.basename(config))[0]
            assert model['Name'] not in names, model['Name']
            names.add(model['Name'])
            listed.append(config)
        on_disk = sorted(
            osp.relpath(p, repo_root())
            for p in glob.glob(osp.join(repo_root(), folder, '*.py')))
        assert sorted(listed) == on_disk, metafile


def test_results_say_where_they_come_from():
    """Published numbers are marked 'paper' with their table; only SynthAVS
    numbers are measured here, with the command."""
    num_paper = num_measured = 0
    for metafile in _metafiles():
        for model in _load(metafile)['Models']:
            for result in model.get('Results', []):
                source = result['Source']
                assert result['Metrics'], model['Name']
                synth = result['Dataset'].startswith('SynthAVS')
                if source.startswith('paper: '):
                    assert 'Table' in source, (model['Name'], source)
                    assert not synth, model['Name']
                    num_paper += 1
                else:
                    assert source.startswith('measured: '), source
                    assert 'tools/' in source, source  # the command
                    assert synth, (model['Name'], result['Dataset'])
                    num_measured += 1
    assert num_paper > 0 and num_measured > 0


def test_mim_model_index_parser_reads_every_model():
    """``modelindex.load`` is what ``mim search`` calls on the index."""
    from modelindex import load
    index = load(osp.join(repo_root(), 'model-index.yml'))
    configs = sum(
        len(glob.glob(osp.join(repo_root(), 'configs', f, '*.py')))
        for f in METHOD_FOLDERS)
    assert len(index.models) == configs
    model = {
        m.name: m
        for m in index.models
    }['tpavi_pvt-v2-b5_1xb4-15e_s4-224x224']
    assert model.results[0].metrics['J'] == 78.74
    assert model.in_collection == 'TPAVI'


@pytest.mark.slow
def test_mim_search_finds_the_models_of_a_built_package(tmp_path):
    """Build a wheel from a clone (which copies configs, tools and the index
    into mmavs/.mim), install it alone and run ``mim search mmavs``."""
    clone = tmp_path / 'clone'
    subprocess.run(['git', 'clone', '-q',
                    repo_root(), str(clone)],
                   check=True,
                   timeout=120)
    python = osp.join(repo_root(), '.venv', 'bin', 'python')
    subprocess.run([
        python, '-m', 'pip', 'wheel', '-q', '--no-deps', '--no-index',
        '--no-build-isolation', '-w',
        str(tmp_path / 'wheel'),
        str(clone)
    ],
                   check=True,
                   timeout=300,
                   capture_output=True)
    wheel = glob.glob(str(tmp_path / 'wheel' / 'mmavs-*.whl'))
    assert len(wheel) == 1
    site = tmp_path / 'site'
    subprocess.run([
        python, '-m', 'pip', 'install', '-q', '--no-deps', '--no-index',
        '--target',
        str(site), wheel[0]
    ],
                   check=True,
                   timeout=300,
                   capture_output=True)
    assert osp.isfile(site / 'mmavs' / '.mim' / 'model-index.yml')
    assert osp.isfile(site / 'mmavs' / '.mim' / 'configs' / 'tpavi' /
                      'metafile.yaml')
    # mim of the shared layer, with only the built package on the path
    shared = subprocess.run(
        ['bash',
         osp.join(repo_root(), 'tools', 'setup_env.sh'), '--path'],
        capture_output=True,
        text=True,
        check=True).stdout.strip()
    env = dict(os.environ, PYTHONPATH=str(site))
    proc = subprocess.run([osp.join(shared, 'bin', 'mim'), 'search', 'mmavs'],
                          capture_output=True,
                          text=True,
                          env=env,
                          cwd=tmp_path,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    for name in ('tpavi_pvt-v2-b5_1xb4-15e_s4-224x224',
                 'ravs_mit-b5-vggish_8xb2-40e_s4-224x224',
                 'robust-tpavi_pvt-v2-b5_1xb4-15e_s4-224x224'):
        assert name in proc.stdout, proc.stdout[-3000:]
