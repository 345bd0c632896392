# Copyright (c) mmavs contributors. All rights reserved.
"""Root conftest: shared fixtures.

mmsegmentation's wheel installs a top-level ``tests`` package; tests are
collected with ``--import-mode=importlib`` (setup.cfg) so neither shadows the
other. The checkout's root is put first on ``sys.path`` for the test process
only, so that ``projects.*`` imports and this checkout's ``mmavs`` are found
even when pytest runs in an environment where mmavs is not installed; the
tools the tests start run without it (``mmavs.testing.tool_env``).
"""
import os
import os.path as osp
import sys

import pytest

ROOT = osp.dirname(osp.abspath(__file__))
if sys.path[0] != ROOT:
    sys.path.insert(0, ROOT)
os.environ.setdefault('HF_HUB_OFFLINE', '1')
os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')

#: Size of the SynthAVS tree the integration tests generate.
SMALL_SYNTHAVS = dict(
    num_train=12, num_val=6, num_test=7, image_size=32, seed=3)


@pytest.fixture(scope='session')
def synthavs_small(tmp_path_factory) -> str:
    """A small SynthAVS tree (all layouts) for integration tests."""
    from mmavs.datasets.synth_avs import generate_synthavs
    root = str(tmp_path_factory.mktemp('synthavs_small'))
    generate_synthavs(root, overwrite=True, **SMALL_SYNTHAVS)
    return root


@pytest.fixture(scope='session')
def unseen_audio():
    """The shared real recordings (``../shared/data/unseen_audio``).

    Tests that use them skip, with the reason, when the folder is absent,
    and fail instead when ``MMAVS_REQUIRE_SHARED_DATA=1`` (CI).
    """
    from mmavs.utils.paths import unseen_audio_files
    try:
        return unseen_audio_files()
    except FileNotFoundError as err:
        if os.environ.get('MMAVS_REQUIRE_SHARED_DATA') == '1':
            raise
        pytest.skip(f'shared recordings absent: {err}')
