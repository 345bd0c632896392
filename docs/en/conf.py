# Copyright (c) mmavs contributors. All rights reserved.
"""Sphinx configuration of the mmavs documentation (Markdown via MyST).

Build: ``.venv/bin/python -m sphinx -W -b html docs/en docs/en/_build/html``
"""
import os.path as osp
import re

HERE = osp.dirname(osp.abspath(__file__))
with open(osp.join(HERE, '..', '..', 'mmavs', 'version.py')) as f:
    release = re.search(r"__version__ = '([^']+)'", f.read()).group(1)

project = 'mmavs'
author = 'mmavs contributors'
copyright = 'mmavs contributors'
version = release

extensions = ['myst_parser']
source_suffix = {'.md': 'markdown'}
myst_enable_extensions = ['colon_fence']
myst_heading_anchors = 3
exclude_patterns = ['_build']
html_theme = 'furo'
html_title = f'mmavs {release}'
