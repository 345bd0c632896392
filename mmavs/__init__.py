# Copyright (c) mmavs contributors. All rights reserved.
"""mmavs: the OpenMMLab toolkit for audio-visual segmentation."""
import mmcv
import mmengine
import mmseg
from mmengine.utils import digit_version

from .compat import install as _install_compat
from .version import __version__

MMCV_MIN, MMCV_MAX = '2.0.0rc4', '2.2.0'
MMENGINE_MIN, MMENGINE_MAX = '0.10.0', '1.0.0'
MMSEG_MIN, MMSEG_MAX = '1.2.0', '1.3.0'


def _check(name: str, version: str, low: str, high: str) -> None:
    if not digit_version(low) <= digit_version(version) < digit_version(high):
        raise ImportError(f'{name}=={version} is installed, but mmavs needs '
                          f'{low} <= {name} < {high}')


_check('mmcv', mmcv.__version__, MMCV_MIN, MMCV_MAX)
_check('mmengine', mmengine.__version__, MMENGINE_MIN, MMENGINE_MAX)
_check('mmsegmentation', mmseg.__version__, MMSEG_MIN, MMSEG_MAX)

_install_compat()

__all__ = ['__version__']
