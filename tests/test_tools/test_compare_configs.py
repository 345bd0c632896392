# Copyright (c) mmavs contributors. All rights reserved.
"""tools/misc/compare_configs.py: resolve every config, compare two trees."""
import importlib.util
import os.path as osp

from mmavs.testing import repo_root


def _tool():
    path = osp.join(repo_root(), 'tools', 'misc', 'compare_configs.py')
    spec = importlib.util.spec_from_file_location('compare_configs', path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _tree(root, files):
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return str(root)


BEFORE = {
    'configs/_base_/data.py':
    "loader = dict(batch_size=2, dataset=dict(split='val', scale=(4, 4)))\n",
    'configs/x/leaf.py':
    "_base_ = ['../_base_/data.py']\nhelper = 1\n"
    "test_loader = dict(batch_size=2, dataset=dict(split='test', "
    'scale=(4, 4)))\n',
}


def test_an_equivalent_refactoring_resolves_the_same(tmp_path, capsys):
    tool = _tool()
    before = _tree(tmp_path / 'before', BEFORE)
    # test_loader derived from loader, split changed; helper removed
    after = _tree(
        tmp_path / 'after', {
            'configs/_base_/data.py': BEFORE['configs/_base_/data.py'],
            'configs/x/renamed.py':
            "_base_ = ['../_base_/data.py']\n"
            "test_loader = dict(_base_.loader, dataset=dict("
            "_base_.loader.dataset, split='test'))\n",
        })
    a, b = str(tmp_path / 'a.json'), str(tmp_path / 'b.json')
    assert tool.main(['dump', a, '--repo', before]) == 0
    assert tool.main(['dump', b, '--repo', after]) == 0
    assert 'resolved 2 of 2 configs' in capsys.readouterr().out
    # without the rename the leaf exists on one side only: not a failure
    assert tool.main(['diff', a, b]) == 0
    out = capsys.readouterr().out
    assert 'only before: configs/x/leaf.py' in out
    assert 'only after: configs/x/renamed.py' in out
    # renamed, the helper key is the one difference
    rename = ['--rename', 'configs/x/leaf.py=configs/x/renamed.py']
    assert tool.main(['diff', a, b] + rename) == 1
    out = capsys.readouterr().out
    assert 'helper: removed (was 1)' in out
    assert tool.main(['diff', a, b] + rename + ['--ignore-key', 'helper']) == 0
    assert '2 configs on both sides, 0 resolve differently' in \
        capsys.readouterr().out


def test_value_and_tuple_changes_are_reported(tmp_path, capsys):
    tool = _tool()
    before = _tree(tmp_path / 'before',
                   dict(BEFORE, **{'configs/x/other.py': 'a = 1\n'}))
    changed = dict(BEFORE)
    changed['configs/x/leaf.py'] = changed['configs/x/leaf.py'].replace(
        "scale=(4, 4)", "scale=[4, 4]").replace('batch_size=2',
                                                'batch_size=3')
    changed['configs/x/other.py'] = 'a = dict(\n'  # broken
    after = _tree(tmp_path / 'after', changed)
    a, b = str(tmp_path / 'a.json'), str(tmp_path / 'b.json')
    tool.main(['dump', a, '--repo', before])
    tool.main(['dump', b, '--repo', after])
    out = capsys.readouterr().out
    assert 'does not resolve: configs/x/other.py' in out
    assert tool.main(['diff', a, b]) == 1
    out = capsys.readouterr().out
    # a tuple that became a list counts, as does a changed value
    assert ('test_loader.dataset.scale: {"__tuple__": [4, 4]} -> [4, 4]'
            in out)
    assert 'test_loader.batch_size: 2 -> 3' in out
    assert 'DIFFERENT: configs/_base_/data.py' not in out
    assert 'resolution: resolves -> SyntaxError' in out
    assert '3 configs on both sides, 2 resolve differently' in out
