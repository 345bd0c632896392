# Copyright (c) mmavs contributors. All rights reserved.
"""tools/misc/fault_injection.py: every injected fault has its outcome."""
import importlib.util
import os.path as osp

import pytest

from mmavs.testing import repo_root, run_tool

pytestmark = pytest.mark.slow


def _case_names():
    spec = importlib.util.spec_from_file_location(
        'fault_injection',
        osp.join(repo_root(), 'tools', 'misc', 'fault_injection.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [case.name for case in module.build_cases()]


def test_every_fault_has_its_expected_outcome(tmp_path):
    proc = run_tool([
        'tools/misc/fault_injection.py', '--jobs', '2', '--work-dir',
        str(tmp_path), '--show-output'
    ],
                    timeout=1800,
                    check=False)
    assert proc.returncode == 0, proc.stdout[-8000:] + proc.stderr[-4000:]
    names = _case_names()
    assert len(names) >= 30
    rows = [
        line for line in proc.stdout.splitlines()
        if line.startswith(' ') and '|' in line
    ]
    for name in names:
        row = next((r for r in rows if r.split('|')[0].strip() == name), None)
        assert row is not None, f'{name} missing from the table'
        assert row.rstrip().endswith('same'), row
    assert f'{len(names)} of {len(names)} cases behave as expected' in \
        proc.stdout
