# Copyright (c) mmavs contributors. All rights reserved.
"""tools/misc/mutation_check.py on a tiny package (not the real list).

Only ``--list`` checks the real list (no test runs), so that an entry whose
``old`` text no longer occurs exactly once fails the suite.
"""
import pytest

from mmavs.testing.tools import load_tool_module

MOD = 'def add(a, b):\n    return a + b\n\n\ndef unused():\n    return 1\n'
TEST = ('from pkg.mod import add\n\n\n'
        'def test_add():\n    assert add(2, 3) == 5\n')


def _tool():
    return load_tool_module('tools/misc/mutation_check.py')


def _entry(mid, old, new, tests=('tests/test_mod.py', )):
    return (f'    {{"id": {mid!r}, "file": "pkg/mod.py", "old": {old!r}, '
            f'"new": {new!r}, "tests": {list(tests)!r}, '
            f'"description": "planted {mid}"}},\n')


def _repo(tmp_path, *entries):
    root = tmp_path / 'repo'
    (root / 'pkg').mkdir(parents=True)
    (root / 'tests').mkdir()
    (root / 'pkg' / '__init__.py').write_text('')
    (root / 'pkg' / 'mod.py').write_text(MOD)
    (root / 'tests' / 'test_mod.py').write_text(TEST)
    listing = tmp_path / 'mutations.py'
    listing.write_text('MUTATIONS = [\n' + ''.join(entries) + ']\n')
    return root, listing


def _main(tool, root, listing, *args):
    return tool.main([
        '--root',
        str(root), '--mutations',
        str(listing), '--work-dir',
        str(root.parent / 'work'), *args
    ])


def test_caught_and_survived_without_touching_the_tree(tmp_path, capsys):
    tool = _tool()
    root, listing = _repo(tmp_path,
                          _entry('minus', 'return a + b', 'return a - b'),
                          _entry('dead', 'return 1', 'return 2'))
    assert _main(tool, root, listing, '--jobs', '2') == 1
    out = capsys.readouterr().out
    assert 'baseline (no mutation): 1 passed' in out
    rows = {
        line.split('|')[0].strip(): line
        for line in out.splitlines() if '|' in line
    }
    assert 'caught (1 failed)' in rows['minus']
    assert 'SURVIVED (1 passed)' in rows['dead']
    assert '1 of 2 mutations caught (' in out
    # the working tree is never modified; the copies are removed
    assert (root / 'pkg' / 'mod.py').read_text() == MOD
    assert list((root.parent / 'work').iterdir()) == []
    # --only runs the named one; all caught -> 0
    assert _main(tool, root, listing, '--only', 'minus', '--no-baseline',
                 '--markdown') == 0
    out = capsys.readouterr().out
    assert '| `minus` | pkg/mod.py | planted minus |' in out
    assert not any(line.startswith('| `dead`') for line in out.splitlines())
    assert '1 of 1 mutations caught (' in out


@pytest.mark.parametrize(
    'entry, message',
    [(('gone', 'return a * b', 'return b'),
      'the old text occurs 0 times in pkg/mod.py'),
     (('twice', 'return', 'yield'), 'the old text occurs 2 times'),
     (('syntax', 'return a + b', 'return a +'), 'does not compile'),
     (('notest', 'return a + b', 'return a - b', ('tests/test_none.py', )),
      'test target tests/test_none.py does not exist')])
def test_a_stale_entry_stops_the_tool(tmp_path, capsys, entry, message):
    tool = _tool()
    root, listing = _repo(tmp_path, _entry('ok', 'return 1', 'return 2'),
                          _entry(*entry))
    # every entry is checked, even with --only another one
    assert _main(tool, root, listing, '--list', '--only', 'ok') == 2
    err = capsys.readouterr().err
    assert f'mutation {entry[0]}: ' in err and message in err
    assert (root / 'pkg' / 'mod.py').read_text() == MOD


def test_failing_baseline_and_bad_arguments(tmp_path, capsys):
    tool = _tool()
    root, listing = _repo(tmp_path,
                          _entry('minus', 'return a + b', 'return a - b'))
    (root / 'tests' / 'test_mod.py').write_text(TEST.replace('== 5', '== 6'))
    assert _main(tool, root, listing) == 1
    assert 'fail without any mutation' in capsys.readouterr().err
    assert _main(tool, root, listing, '--only', 'nope') == 2
    assert "unknown mutation id(s) ['nope']" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        _main(tool, root, listing, '--jobs', '3')
    listing.write_text('import os\nMUTATIONS = [dict(id=os.name)]\n')
    assert _main(tool, root, listing, '--list') == 2
    assert 'must be a literal list' in capsys.readouterr().err


def test_the_repository_list_applies():
    tool = _tool()
    mutations = tool.load_mutations(tool.DEFAULT_LIST)
    tool.check_mutations(tool.ROOT, mutations)
    assert len(mutations) >= 40
