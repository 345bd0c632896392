# Copyright (c) mmavs contributors. All rights reserved.
"""Root conftest: shared fixtures.

mmsegmentation's wheel installs a top-level ``tests`` package; tests are
collected with ``--import-mode=importlib`` (setup.cfg) so neither shadows the
other. The checkout's root is put first on ``sys.path`` for the test process
only, so that ``projects.*`` imports and this checkout's ``mmavs`` are found
even when pytest runs in an environment where mmavs is not installed; the
tools the tests start run without it (``mmavs.testing.tool_env``).

Real recordings (``../shared/data`` next to the checkout, or
``$MMAVS_SHARED_DATA``) are test fixtures only, reached through the
``shared_data`` / ``unseen_audio_files`` fixtures: without them the tests
that need them skip and say why, unless ``MMAVS_REQUIRE_SHARED_DATA=1``
(CI, ``.ci/run``), which makes them fail instead.
"""
import os
import os.path as osp
import sys
from typing import List

import pytest

ROOT = osp.dirname(osp.abspath(__file__))
if sys.path[0] != ROOT:
    sys.path.insert(0, ROOT)
os.environ.setdefault('HF_HUB_OFFLINE', '1')
os.environ.setdefault('TRANSFORMERS_OFFLINE', '1')

#: Size of the SynthAVS tree the integration tests generate.
SMALL_SYNTHAVS = dict(
    num_train=12, num_val=6, num_test=7, image_size=32, seed=3)

#: The environment variable that turns a missing shared folder into a
#: failure (set by .ci/run).
REQUIRE_SHARED_DATA = 'MMAVS_REQUIRE_SHARED_DATA'


def shared_data_root() -> str:
    """``../shared/data`` next to the checkout (or ``$MMAVS_SHARED_DATA``)."""
    return osp.normpath(
        os.environ.get('MMAVS_SHARED_DATA',
                       osp.join(ROOT, '..', 'shared', 'data')))


def require_shared(path: str, what: str) -> str:
    """``path`` if it exists; else skip the test, saying why, or fail it
    when ``MMAVS_REQUIRE_SHARED_DATA=1``."""
    if osp.exists(path):
        return path
    reason = (f'{what} not found at {path} (real recordings are test '
              'fixtures kept outside the repository in ../shared/data; '
              'set MMAVS_SHARED_DATA to use another folder)')
    if os.environ.get(REQUIRE_SHARED_DATA) == '1':
        pytest.fail(
            f'{reason}; {REQUIRE_SHARED_DATA}=1 requires them', pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope='session')
def shared_data() -> str:
    """The shared real-data folder (skips / fails when absent)."""
    return require_shared(shared_data_root(), 'the shared data folder')


@pytest.fixture(scope='session')
def unseen_audio_dir(shared_data) -> str:
    """``shared/data/unseen_audio``: the 15 AVSBench-Robust recordings."""
    return require_shared(
        osp.join(shared_data, 'unseen_audio'),
        'the AVSBench-Robust unseen recordings')


@pytest.fixture(scope='session')
def unseen_audio_files(unseen_audio_dir) -> List[str]:
    """The real recordings of ``shared/data/unseen_audio``, sorted."""
    files = sorted(
        osp.join(unseen_audio_dir, f) for f in os.listdir(unseen_audio_dir)
        if f.lower().endswith(('.wav', '.flac', '.mp3')))
    if not files:
        pytest.fail(f'no audio files in {unseen_audio_dir}', pytrace=False)
    return files


@pytest.fixture(scope='session')
def synthavs_small(tmp_path_factory) -> str:
    """A small SynthAVS tree (all layouts) for integration tests."""
    from mmavs.synthavs import generate_synthavs
    root = str(tmp_path_factory.mktemp('synthavs_small'))
    generate_synthavs(root, overwrite=True, **SMALL_SYNTHAVS)
    return root
