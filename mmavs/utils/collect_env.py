# Copyright (c) mmavs contributors. All rights reserved.
"""The software stack mmavs runs on: ``python -m mmavs.utils.collect_env``.

Prints mmengine's environment report (platform, Python, CUDA, GPUs, compilers,
PyTorch, TorchVision, OpenCV, MMEngine) followed by the OpenMMLab and audio
packages mmavs uses, where mmavs is imported from, and whether mmcv's
compiled ops (``mmcv._ext``) are present or mmavs's pure-PyTorch fallbacks
(:mod:`mmavs.compat.mmcv_ops`) stand in for them.
"""
import os.path as osp
import subprocess
from collections import OrderedDict
from importlib import metadata
from importlib.util import find_spec
from typing import Dict

from mmengine.utils.dl_utils import collect_env as collect_base_env

#: Distributions reported by version (name shown -> distribution name).
PACKAGES = OrderedDict([
    ('MMCV distribution', None),
    ('MMSegmentation', 'mmsegmentation'),
    ('timm', 'timm'),
    ('librosa', 'librosa'),
    ('resampy', 'resampy'),
    ('soundfile', 'soundfile'),
    ('laion-clap', 'laion_clap'),
    ('numpy', 'numpy'),
])


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return 'not installed'


def _mmcv_distribution() -> str:
    """``mmcv <v>`` or ``mmcv-lite <v>``: which package provides ``mmcv``."""
    found = [
        f'{name} {_version(name)}' for name in ('mmcv', 'mmcv-lite')
        if _version(name) != 'not installed'
    ]
    return ', '.join(found) if found else 'not installed'


def _git_hash(root: str) -> str:
    """The commit of the checkout at ``root`` (``'unknown'`` if not one)."""
    if not osp.exists(osp.join(root, '.git')):
        return 'unknown'
    try:
        out = subprocess.run(['git', '-C', root, 'rev-parse', 'HEAD'],
                             capture_output=True,
                             text=True,
                             timeout=10)
    except (OSError, subprocess.SubprocessError):
        return 'unknown'
    return out.stdout.strip()[:7] if out.returncode == 0 else 'unknown'


def collect_env() -> Dict[str, str]:
    """Collect the environment information.

    Returns:
        dict[str, str]: mmengine's report plus ``MMCV``, ``MMCV compiled
        ops`` (``True``/``False``), the versions of :data:`PACKAGES`,
        ``mmavs`` (version and commit) and ``mmavs path`` (the imported
        package's directory).
    """
    import mmcv

    import mmavs
    env_info = collect_base_env()
    env_info['MMCV'] = mmcv.__version__
    env_info['MMCV compiled ops'] = str(find_spec('mmcv._ext') is not None)
    for name, dist in PACKAGES.items():
        env_info[name] = _mmcv_distribution() if dist is None else _version(
            dist)
    package_dir = osp.dirname(osp.abspath(mmavs.__file__))
    env_info['mmavs'] = (f'{mmavs.__version__}+'
                         f'{_git_hash(osp.dirname(package_dir))}')
    env_info['mmavs path'] = package_dir
    return env_info


def main() -> None:
    """Print ``name: value`` lines."""
    for name, value in collect_env().items():
        print(f'{name}: {value}')


if __name__ == '__main__':
    main()
