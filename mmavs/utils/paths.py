# Copyright (c) mmavs contributors. All rights reserved.
"""Where the checkout is."""
import os.path as osp


def repo_root() -> str:
    """The root of the mmavs checkout (``mmavs/utils/..``/..)."""
    return osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
