# Copyright (c) mmavs contributors. All rights reserved.
"""Resolve every config of a tree and compare two such snapshots.

A refactoring of the configs (new ``_base_`` fragments, derived loaders,
backbone swaps as overrides) must not change what any config resolves to.
``dump`` resolves every ``*.py`` below ``configs/`` and
``projects/*/configs/`` of a checkout (``Config.fromfile(...).to_dict()``,
without importing ``custom_imports``) and writes them to one JSON file;
``diff`` compares two such files and prints every difference as a key path.
Tuples and lists are kept apart (a tuple is written as
``{"__tuple__": [...]}``), so a tuple that becomes a list counts as a change.

Examples::

    # before: a checkout of the old commit; after: this checkout
    python tools/misc/compare_configs.py dump before.json --repo /tmp/old
    python tools/misc/compare_configs.py dump after.json
    python tools/misc/compare_configs.py diff before.json after.json \\
        --rename configs/a.py=configs/b.py --ignore-key robust_common

``diff`` exits with 1 when a config that exists on both sides resolves
differently (after ``--rename`` / ``--ignore-key``), else 0; configs that
exist on one side only are listed but do not fail the comparison.
"""
import argparse
import glob
import json
import os.path as osp
import sys
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def config_files(repo: str) -> List[str]:
    """Every config file of a checkout, relative to it, sorted.

    Args:
        repo (str): Root of the checkout.

    Returns:
        list[str]: ``configs/**/*.py`` and ``projects/*/configs/**/*.py``.
    """
    patterns = ('configs/**/*.py', 'projects/*/configs/**/*.py')
    found = set()
    for pattern in patterns:
        for path in glob.glob(osp.join(repo, pattern), recursive=True):
            found.add(osp.relpath(path, repo))
    return sorted(found)


def encode(value: Any) -> Any:
    """A JSON-safe form of a resolved config value that keeps tuples."""
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return {'__tuple__': [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return {'__repr__': repr(value)}


def resolve(repo: str, rel: str) -> Dict[str, Any]:
    """``Config.fromfile(...).to_dict()`` of one file, JSON-safe.

    Args:
        repo (str): Root of the checkout.
        rel (str): Config path relative to ``repo``.

    Returns:
        dict: ``{'config': ...}`` or ``{'error': message}``.
    """
    from mmengine.config import Config
    try:
        cfg = Config.fromfile(
            osp.join(repo, rel), import_custom_modules=False)
    except Exception as err:  # a broken config is a result too
        return {'error': f'{type(err).__name__}: {err}'}
    return {'config': encode(cfg.to_dict())}


def dump(repo: str, out: str) -> int:
    """Resolve every config of ``repo`` into the JSON file ``out``."""
    repo = osp.abspath(repo)
    result = {rel: resolve(repo, rel) for rel in config_files(repo)}
    with open(out, 'w', encoding='utf-8') as f:
        json.dump(result, f, indent=1, sort_keys=True)
    broken = [k for k, v in result.items() if 'error' in v]
    print(f'resolved {len(result) - len(broken)} of {len(result)} configs '
          f'of {repo} into {out}')
    for rel in broken:
        print(f'  does not resolve: {rel}: {result[rel]["error"]}')
    return 0


def differences(a: Any, b: Any, path: str = '') -> Iterator[str]:
    """Key paths where two encoded values differ, with both values."""
    if isinstance(a, dict) and isinstance(b, dict) and \
            ('__tuple__' in a) == ('__tuple__' in b) and '__tuple__' not in a:
        for key in sorted(set(a) | set(b)):
            sub = f'{path}.{key}' if path else key
            if key not in a:
                yield f'{sub}: added = {json.dumps(b[key])[:200]}'
            elif key not in b:
                yield f'{sub}: removed (was {json.dumps(a[key])[:200]})'
            else:
                yield from differences(a[key], b[key], sub)
        return
    if isinstance(a, dict) and isinstance(b, dict) and '__tuple__' in a \
            and '__tuple__' in b:
        yield from differences(a['__tuple__'], b['__tuple__'], path)
        return
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            yield from differences(x, y, f'{path}[{i}]')
        return
    if a != b or type(a) is not type(b):
        yield (f'{path}: {json.dumps(a)[:200]} -> {json.dumps(b)[:200]}')


def _pairs(items: Optional[Sequence[str]]) -> Dict[str, str]:
    out = {}
    for item in items or ():
        if '=' not in item:
            raise SystemExit(f'--rename expects OLD=NEW, got {item!r}')
        old, new = item.split('=', 1)
        out[old] = new
    return out


def diff(before: str,
         after: str,
         renames: Optional[Sequence[str]] = None,
         ignore_keys: Optional[Sequence[str]] = None) -> int:
    """Compare two dumps; print the differences; 1 if any."""
    with open(before, encoding='utf-8') as f:
        old = json.load(f)
    with open(after, encoding='utf-8') as f:
        new = json.load(f)
    rename = _pairs(renames)
    ignored = set(ignore_keys or ())
    changed: List[Tuple[str, List[str]]] = []
    compared = 0
    matched_new = set()
    for rel_old in sorted(old):
        rel_new = rename.get(rel_old, rel_old)
        if rel_new not in new:
            print(f'only before: {rel_old}')
            continue
        matched_new.add(rel_new)
        a, b = old[rel_old], new[rel_new]
        compared += 1
        if 'error' in a or 'error' in b:
            if a != b:
                changed.append((rel_old, [
                    'resolution: ' + ' -> '.join(
                        x.get('error', 'resolves') for x in (a, b))
                ]))
            continue
        ca = {k: v for k, v in a['config'].items() if k not in ignored}
        cb = {k: v for k, v in b['config'].items() if k not in ignored}
        rows = list(differences(ca, cb))
        if rows:
            changed.append((rel_old if rel_old == rel_new else
                            f'{rel_old} -> {rel_new}', rows))
    for rel in sorted(set(new) - matched_new):
        print(f'only after: {rel}')
    for rel, rows in changed:
        print(f'DIFFERENT: {rel}')
        for row in rows:
            print(f'    {row}')
    print(f'{compared} configs on both sides, {len(changed)} resolve '
          f'differently' + (f' (ignoring top-level keys {sorted(ignored)})'
                            if ignored else ''))
    return 1 if changed else 0


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Resolve every config of a checkout (dump) and compare '
        'two dumps (diff)')
    sub = parser.add_subparsers(dest='command', required=True)
    p_dump = sub.add_parser('dump', help='resolve every config into JSON')
    p_dump.add_argument('out', help='JSON file to write')
    p_dump.add_argument(
        '--repo', default=ROOT, help='checkout to read (default: this one)')
    p_diff = sub.add_parser('diff', help='compare two dumps')
    p_diff.add_argument('before')
    p_diff.add_argument('after')
    p_diff.add_argument(
        '--rename',
        nargs='*',
        metavar='OLD=NEW',
        help='config files renamed between the two dumps')
    p_diff.add_argument(
        '--ignore-key',
        nargs='*',
        metavar='KEY',
        help='top-level keys left out of the comparison (helper '
        'variables of the config files)')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.command == 'dump':
        return dump(args.repo, args.out)
    return diff(args.before, args.after, args.rename, args.ignore_key)


if __name__ == '__main__':
    sys.exit(main())
