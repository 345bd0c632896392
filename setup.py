# Copyright (c) mmavs contributors. All rights reserved.
import os.path as osp
import re

from setuptools import setup

HERE = osp.dirname(osp.abspath(__file__))


def parse_requirements(fname: str) -> list:
    """Read requirement specifiers from a file, following ``-r`` includes."""
    reqs = []
    with open(osp.join(HERE, fname)) as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            if line.startswith('-r '):
                reqs += parse_requirements(
                    osp.join(osp.dirname(fname), line[3:].strip()))
            else:
                reqs.append(line)
    return reqs


def mm_requirements() -> list:
    """mmcv-lite by default; keep a compiled mmcv if it is installed."""
    reqs = parse_requirements('requirements/mminstall.txt')
    try:
        import mmcv  # noqa: F401
        from importlib.util import find_spec
        if find_spec('mmcv._ext') is not None:
            reqs = [re.sub(r'^mmcv-lite', 'mmcv', r) for r in reqs]
    except ImportError:
        pass
    return reqs


setup(
    install_requires=parse_requirements('requirements/runtime.txt') +
    mm_requirements(),
    extras_require={
        'htsat': parse_requirements('requirements/optional.txt'),
        'tests': parse_requirements('requirements/tests.txt'),
        'all': parse_requirements('requirements/optional.txt') +
        parse_requirements('requirements/tests.txt'),
    },
)
