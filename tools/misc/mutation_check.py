# Copyright (c) mmavs contributors. All rights reserved.
"""Plant known bugs one at a time and check that the tests catch each.

Every mutation of the list (``tools/misc/mutations.py`` by default) names a
file, an exact ``old`` text, the ``new`` text that replaces it, the test
targets that must catch it and what the bug is. For each selected mutation
the tool copies the repository (the files ``git ls-files`` lists, tracked
and untracked-but-not-ignored, as they are in the working tree) into a
temporary folder, replaces ``old`` by ``new`` there, and runs
``python -m pytest -x -q TARGETS`` in the copy with a per-mutation time
limit. The working tree is never modified. A failing test means the bug is
*caught*; passing tests mean it *survived* (a missing test).

The list is checked before anything runs, and any problem stops the tool
with exit status 2: an ``old`` text that does not occur exactly once in its
file (so the list cannot silently rot when the code changes), a Python file
that no longer compiles after the replacement, a test target that does not
exist, a duplicate id, a missing field.

Before the mutations, the union of their test targets runs once on an
unmutated copy (``--no-baseline`` skips it): if it fails, every "caught"
would be meaningless, so the tool stops with exit status 1.

Prints a table ``id | file | description | tests | result | seconds`` (or a
Markdown table with ``--markdown``) and exits with 1 if any mutation survived,
timed out or could not run.

Examples::

    python tools/misc/mutation_check.py --list
    python tools/misc/mutation_check.py                     # every mutation
    python tools/misc/mutation_check.py --only gfpr-mean-of-conditions
    python tools/misc/mutation_check.py --jobs 1 --timeout 300 --markdown
"""
import argparse
import ast
import os
import os.path as osp
import py_compile
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DEFAULT_LIST = osp.join(ROOT, 'tools', 'misc', 'mutations.py')
#: At most this many mutations run at once (the machine is shared).
MAX_JOBS = 2
DEFAULT_TIMEOUT = 900
REQUIRED = ('id', 'file', 'old', 'new', 'tests', 'description')
OPTIONAL = ('timeout', )


class MutationListError(ValueError):
    """The mutation list is malformed or no longer matches the code."""


@dataclass
class Mutation:
    """One planted bug.

    Attributes:
        id (str): Short unique name (``--only`` selects by it).
        file (str): Path of the mutated file, relative to the repository.
        old (str): Exact text that must occur once in ``file``.
        new (str): Its replacement (the bug).
        tests (list[str]): pytest targets (files or node ids, relative to
            the repository) that must fail with the bug.
        description (str): What the bug is.
        timeout (float): Seconds the tests may run.
    """
    id: str
    file: str
    old: str
    new: str
    tests: List[str]
    description: str
    timeout: float = DEFAULT_TIMEOUT


@dataclass
class Outcome:
    """What the tests did with one mutation."""
    mutation: Mutation
    result: str  # caught | SURVIVED | TIMEOUT | ERROR
    summary: str
    seconds: float
    output: str = field(default='', repr=False)


def load_mutations(path: str,
                   default_timeout: float = DEFAULT_TIMEOUT) -> List[Mutation]:
    """Read the ``MUTATIONS`` list of a Python data file.

    The file is parsed, not executed: ``MUTATIONS = [...]`` must be a
    literal (a list of dict literals of strings, lists and numbers).

    Args:
        path (str): The file.
        default_timeout (float): Timeout of entries without ``timeout``.

    Returns:
        list[Mutation]: The mutations, in the file's order.

    Raises:
        MutationListError: If an entry lacks a field, has an unknown one,
            or an id repeats.
    """
    with open(path, encoding='utf-8') as f:
        tree = ast.parse(f.read(), path)
    entries = None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == 'MUTATIONS'
                for t in node.targets):
            try:
                entries = ast.literal_eval(node.value)
            except ValueError as err:
                raise MutationListError(
                    f'{path}: MUTATIONS must be a literal list of dicts '
                    f'(line {node.lineno}): {err}') from err
    if not isinstance(entries, (list, tuple)):
        raise MutationListError(f'{path}: expected a list MUTATIONS = [...]')
    mutations, seen = [], set()
    for idx, entry in enumerate(entries):
        where = f'{path}: MUTATIONS[{idx}]'
        if not isinstance(entry, dict):
            raise MutationListError(f'{where}: expected a dict, got '
                                    f'{type(entry).__name__}')
        where += f' ({entry.get("id", "?")})'
        missing = [k for k in REQUIRED if k not in entry]
        unknown = [k for k in entry if k not in REQUIRED + OPTIONAL]
        if missing or unknown:
            raise MutationListError(
                f'{where}: missing fields {missing}, unknown fields '
                f'{unknown}; expected {list(REQUIRED)} (+ {list(OPTIONAL)})')
        tests = entry['tests']
        if isinstance(tests, str) or not tests:
            raise MutationListError(
                f'{where}: tests must be a non-empty list of pytest targets')
        if entry['id'] in seen:
            raise MutationListError(f'{where}: duplicate id {entry["id"]!r}')
        if entry['old'] == entry['new']:
            raise MutationListError(f'{where}: old and new are the same')
        seen.add(entry['id'])
        mutations.append(
            Mutation(
                id=str(entry['id']),
                file=str(entry['file']),
                old=str(entry['old']),
                new=str(entry['new']),
                tests=[str(t) for t in tests],
                description=str(entry['description']),
                timeout=float(entry.get('timeout', default_timeout))))
    return mutations


def mutate_text(text: str, mutation: Mutation) -> str:
    """``text`` with the mutation's ``old`` replaced by ``new``.

    Raises:
        MutationListError: If ``old`` does not occur exactly once.
    """
    count = text.count(mutation.old)
    if count != 1:
        raise MutationListError(
            f'mutation {mutation.id}: the old text occurs {count} times in '
            f'{mutation.file}, expected exactly once (update the list to the '
            f'current code):\n{mutation.old}')
    return text.replace(mutation.old, mutation.new)


def check_mutations(root: str, mutations: Sequence[Mutation]) -> None:
    """Check every mutation against the files of ``root``.

    Raises:
        MutationListError: Naming the mutation and what is wrong (missing
            file, ``old`` not found exactly once, mutated Python that does
            not compile, missing test file).
    """
    problems = []
    for m in mutations:
        path = osp.join(root, m.file)
        if not osp.isfile(path):
            problems.append(f'mutation {m.id}: file {m.file} does not exist')
            continue
        with open(path, encoding='utf-8') as f:
            text = f.read()
        try:
            mutated = mutate_text(text, m)
        except MutationListError as err:
            problems.append(str(err))
            continue
        if m.file.endswith('.py'):
            try:
                compile(mutated, m.file, 'exec')
            except SyntaxError as err:
                problems.append(f'mutation {m.id}: {m.file} does not compile '
                                f'with the new text: {err}')
        for target in m.tests:
            test_file = target.split('::')[0]
            if not osp.exists(osp.join(root, test_file)):
                problems.append(f'mutation {m.id}: test target {target} does '
                                'not exist')
    if problems:
        raise MutationListError('\n'.join(problems))


def repository_files(root: str) -> List[str]:
    """The files a copy holds: ``git ls-files`` (tracked and untracked, not
    ignored) when ``root`` is a git checkout, else every file outside
    hidden folders, ``__pycache__`` and virtual environments."""
    try:
        out = subprocess.run([
            'git', 'ls-files', '-z', '--cached', '--others',
            '--exclude-standard'
        ],
                             cwd=root,
                             capture_output=True,
                             check=True).stdout
        files = [p for p in out.decode().split('\0') if p]
        return [p for p in files if osp.isfile(osp.join(root, p))]
    except (OSError, subprocess.CalledProcessError):
        pass
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [
            d for d in dirnames
            if not d.startswith('.') and d not in ('__pycache__', 'venv',
                                                   'work_dirs')
        ]
        rel = osp.relpath(dirpath, root)
        files += [osp.normpath(osp.join(rel, f)) for f in filenames]
    return files


def copy_repository(root: str, files: Sequence[str], dest: str) -> None:
    """Copy ``files`` (relative to ``root``) into ``dest``."""
    for rel in files:
        target = osp.join(dest, rel)
        os.makedirs(osp.dirname(target), exist_ok=True)
        shutil.copy2(osp.join(root, rel), target)


def _summary(output: str) -> str:
    """pytest's last summary line (``1 failed, 3 passed in 2.1s``)."""
    for line in reversed(output.strip().splitlines()):
        if re.search(r'\b(passed|failed|error|errors|skipped|no tests ran)\b',
                     line):
            line = re.sub(r'\s+in [\d.]+s.*$', '', line.strip('= '))
            return re.sub(r', \d+ warnings?', '', line)
    return ''


def _pytest_env(copy: str, shared_data: Optional[str]) -> Dict[str, str]:
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join(
        [copy] + [p for p in [env.get('PYTHONPATH')] if p])
    env.setdefault('HF_HUB_OFFLINE', '1')
    env.setdefault('TRANSFORMERS_OFFLINE', '1')
    env['PYTHONDONTWRITEBYTECODE'] = '1'
    if shared_data and 'MMAVS_SHARED_DATA' not in env:
        env['MMAVS_SHARED_DATA'] = shared_data
    return env


def run_pytest(copy: str, targets: Sequence[str], timeout: float,
               shared_data: Optional[str]) -> Tuple[Optional[int], str]:
    """``pytest -x -q targets`` in ``copy``; ``(returncode | None, output)``,
    None on timeout (the whole process group is killed)."""
    cmd = [sys.executable, '-m', 'pytest', '-x', '-q', *targets]
    proc = subprocess.Popen(
        cmd,
        cwd=copy,
        env=_pytest_env(copy, shared_data),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
        return proc.returncode, out
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        return None, out


def _verdict(rc: Optional[int], output: str) -> str:
    if rc is None:
        return 'TIMEOUT'
    if rc == 0:
        return 'SURVIVED'
    if rc == 1:
        return 'caught'
    # 2: interrupted (collection error), 3: internal, 4: usage, 5: no tests
    return 'ERROR'


def run_mutation(root: str, files: Sequence[str], mutation: Mutation,
                 work_dir: str, keep: bool,
                 shared_data: Optional[str]) -> Outcome:
    """Apply one mutation to a fresh copy and run its tests there."""
    start = time.time()
    copy = tempfile.mkdtemp(prefix=f'{mutation.id}-', dir=work_dir)
    try:
        copy_repository(root, files, copy)
        path = osp.join(copy, mutation.file)
        with open(path, encoding='utf-8') as f:
            text = f.read()
        with open(path, 'w', encoding='utf-8') as f:
            f.write(mutate_text(text, mutation))
        if mutation.file.endswith('.py'):
            py_compile.compile(path, doraise=True)
        rc, output = run_pytest(copy, mutation.tests, mutation.timeout,
                                shared_data)
    except (OSError, MutationListError, py_compile.PyCompileError) as err:
        # e.g. the file changed since the list was checked: report it
        return Outcome(mutation, 'ERROR',
                       str(err).splitlines()[0],
                       time.time() - start, str(err))
    finally:
        if not keep:
            shutil.rmtree(copy, ignore_errors=True)
    return Outcome(mutation, _verdict(rc, output), _summary(output),
                   time.time() - start, output)


def run_baseline(root: str, files: Sequence[str],
                 mutations: Sequence[Mutation], work_dir: str, timeout: float,
                 shared_data: Optional[str]) -> Tuple[Optional[int], str]:
    """Run the union of the mutations' test targets on an unmutated copy."""
    targets: List[str] = []
    for m in mutations:
        targets += [t for t in m.tests if t not in targets]
    whole = {t for t in targets if '::' not in t}
    targets = [
        t for t in targets if t.split('::')[0] not in whole or '::' not in t
    ]
    copy = tempfile.mkdtemp(prefix='baseline-', dir=work_dir)
    try:
        copy_repository(root, files, copy)
        return run_pytest(copy, targets, timeout, shared_data)
    finally:
        shutil.rmtree(copy, ignore_errors=True)


def _short_tests(tests: Sequence[str]) -> str:
    return ', '.join(osp.basename(t) for t in tests)


def format_table(outcomes: Sequence[Outcome], markdown: bool = False) -> str:
    """The result table (plain, or Markdown for the docs)."""
    header = ('id', 'file', 'description', 'tests', 'result', 's')
    rows = [(o.mutation.id, o.mutation.file, o.mutation.description,
             _short_tests(o.mutation.tests),
             o.result + (f' ({o.summary})' if o.summary else ''),
             f'{o.seconds:.0f}') for o in outcomes]
    if markdown:
        esc = [[c.replace('|', '\\|').replace('*', '\\*') for c in r]
               for r in rows]
        lines = [
            '| ' + ' | '.join(header) + ' |',
            '|' + '|'.join('---' for _ in header) + '|'
        ]
        lines += [
            '| ' + ' | '.join(f'`{r[0]}`' if i == 0 else c
                              for i, c in enumerate(r)) + ' |' for r in esc
        ]
        return '\n'.join(lines)
    widths = [
        max(len(str(r[i])) for r in [header] + rows)
        for i in range(len(header))
    ]
    widths[2] = min(widths[2], 60)
    lines = []
    for r in [header] + rows:
        cells = [str(c) for c in r]
        cells[2] = cells[2][:57] + '...' if len(cells[2]) > 60 else cells[2]
        lines.append(' ' +
                     ' | '.join(c.ljust(w)
                                for c, w in zip(cells, widths)).rstrip())
    return '\n'.join(lines)


def default_shared_data(root: str) -> Optional[str]:
    """``$MMAVS_SHARED_DATA`` or ``../shared/data`` next to ``root`` (the
    copies lie elsewhere, so the tests are told where it is)."""
    path = os.environ.get('MMAVS_SHARED_DATA',
                          osp.join(root, '..', 'shared', 'data'))
    return osp.normpath(path) if osp.isdir(path) else None


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--mutations',
        default=DEFAULT_LIST,
        help='Python file defining MUTATIONS (default: %(default)s)')
    parser.add_argument(
        '--root',
        default=ROOT,
        help='repository to copy and mutate (default: this checkout)')
    parser.add_argument(
        '--only', nargs='+', metavar='ID', help='run only these mutations')
    parser.add_argument(
        '--list',
        action='store_true',
        help='check and list the mutations, run nothing')
    parser.add_argument(
        '--jobs',
        type=int,
        default=1,
        help=f'mutations run at once, 1 to {MAX_JOBS} (default: 1)')
    parser.add_argument(
        '--timeout',
        type=float,
        default=DEFAULT_TIMEOUT,
        help='seconds per mutation for entries without their own timeout '
        '(default: %(default)s)')
    parser.add_argument(
        '--no-baseline',
        action='store_true',
        help='do not run the tests on an unmutated copy first')
    parser.add_argument(
        '--work-dir',
        help='folder for the temporary copies (default: a '
        'new temporary folder, removed at the end)')
    parser.add_argument(
        '--keep', action='store_true', help='keep the mutated copies')
    parser.add_argument(
        '--markdown', action='store_true', help='print a Markdown table')
    parser.add_argument(
        '--show-output',
        action='store_true',
        help="print pytest's output of every mutation that was not caught")
    args = parser.parse_args(argv)
    if not 1 <= args.jobs <= MAX_JOBS:
        parser.error(f'--jobs must be 1 to {MAX_JOBS}, got {args.jobs}')
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    root = osp.abspath(args.root)
    try:
        mutations = load_mutations(args.mutations, args.timeout)
        check_mutations(root, mutations)
        if args.only:
            known = {m.id for m in mutations}
            unknown = [i for i in args.only if i not in known]
            if unknown:
                raise MutationListError(
                    f'unknown mutation id(s) {unknown}; --list shows them')
            mutations = [m for m in mutations if m.id in args.only]
    except MutationListError as err:
        print(f'mutation list {args.mutations}: {err}', file=sys.stderr)
        return 2
    if args.list:
        for m in mutations:
            print(f'{m.id}: {m.file}: {m.description} '
                  f'[{_short_tests(m.tests)}]')
        print(f'{len(mutations)} mutations, all apply exactly once')
        return 0

    begin = time.time()
    files = repository_files(root)
    shared_data = default_shared_data(root)
    work_dir = args.work_dir or tempfile.mkdtemp(prefix='mmavs-mutations-')
    os.makedirs(work_dir, exist_ok=True)
    try:
        if not args.no_baseline:
            start = time.time()
            rc, output = run_baseline(root, files, mutations, work_dir,
                                      sum(m.timeout for m in mutations),
                                      shared_data)
            print(
                f'baseline (no mutation): {_summary(output)} '
                f'({time.time() - start:.0f} s)',
                flush=True)
            if rc != 0:
                print(output[-6000:])
                print(
                    'the tests fail without any mutation; fix them first',
                    file=sys.stderr)
                return 1
        with ThreadPoolExecutor(args.jobs) as pool:
            futures = [
                pool.submit(run_mutation, root, files, m, work_dir, args.keep,
                            shared_data) for m in mutations
            ]
            outcomes = []
            for fut in futures:
                out = fut.result()
                outcomes.append(out)
                print(
                    f'[{len(outcomes)}/{len(mutations)}] '
                    f'{out.mutation.id}: {out.result} ({out.summary}, '
                    f'{out.seconds:.0f} s)',
                    flush=True)
                if args.show_output and out.result != 'caught':
                    print(out.output[-4000:], flush=True)
    finally:
        if not args.work_dir and not args.keep:
            shutil.rmtree(work_dir, ignore_errors=True)
    print(format_table(outcomes, args.markdown))
    caught = sum(o.result == 'caught' for o in outcomes)
    print(f'{caught} of {len(outcomes)} mutations caught '
          f'({time.time() - begin:.0f} s in all)')
    return 0 if caught == len(outcomes) else 1


if __name__ == '__main__':
    sys.exit(main())
