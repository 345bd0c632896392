# Copyright (c) mmavs contributors. All rights reserved.
import os
import os.path as osp
import re
import shutil
import sys

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


#: What ``mmavs/.mim`` holds for OpenMMLab's ``mim`` (as mmseg's ``.mim``).
MIM_FILES = ('configs', 'tools', 'model-index.yml')


def add_mim_extension() -> None:
    """Put configs, tools and model-index.yml under ``mmavs/.mim``.

    ``mim`` finds a package's configs and model index in ``<pkg>/.mim``.
    An editable install (``pip install -e .``: setuptools' ``editable_wheel``
    or ``develop``) links them (relative symlinks into the clone); a wheel or
    sdist build copies them. Other commands leave ``.mim`` alone.
    """
    if 'develop' in sys.argv or 'editable_wheel' in sys.argv:
        mode = 'copy' if os.name == 'nt' else 'symlink'
    elif 'sdist' in sys.argv or 'bdist_wheel' in sys.argv:
        mode = 'copy'
    else:
        return
    mim_path = osp.join(HERE, 'mmavs', '.mim')
    os.makedirs(mim_path, exist_ok=True)
    for name in MIM_FILES:
        src = osp.join(HERE, name)
        tar = osp.join(mim_path, name)
        if osp.islink(tar) or osp.isfile(tar):
            os.remove(tar)
        elif osp.isdir(tar):
            shutil.rmtree(tar)
        if not osp.exists(src):
            raise FileNotFoundError(f'{src} is missing; mim needs it')
        if mode == 'symlink':
            os.symlink(osp.relpath(src, mim_path), tar)
        elif osp.isdir(src):
            shutil.copytree(src, tar)
        else:
            shutil.copyfile(src, tar)


add_mim_extension()

setup(
    include_package_data=True,
    install_requires=parse_requirements('requirements/runtime.txt') +
    mm_requirements(),
    extras_require={
        'htsat': parse_requirements('requirements/optional.txt'),
        'tests': parse_requirements('requirements/tests.txt'),
        'docs': parse_requirements('requirements/docs.txt'),
        'all': parse_requirements('requirements/optional.txt') +
        parse_requirements('requirements/tests.txt'),
    },
)
