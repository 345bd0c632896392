# Copyright (c) mmavs contributors. All rights reserved.
"""Where the checkout and the shared real recordings are."""
import os
import os.path as osp
from typing import List


def repo_root() -> str:
    """The root of the mmavs checkout (``mmavs/utils/..``/..)."""
    return osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def shared_data_root() -> str:
    """``../shared/data`` next to the checkout (or ``$MMAVS_SHARED_DATA``)."""
    root = os.environ.get('MMAVS_SHARED_DATA',
                          osp.join(repo_root(), '..', 'shared', 'data'))
    return osp.normpath(root)


def unseen_audio_files() -> List[str]:
    """The real recordings of ``shared/data/unseen_audio``, sorted.

    Raises:
        FileNotFoundError: If the folder is missing or empty.
    """
    folder = osp.join(shared_data_root(), 'unseen_audio')
    if not osp.isdir(folder):
        raise FileNotFoundError(
            f'{folder} not found: the real recordings are expected in '
            '../shared/data/unseen_audio (or set MMAVS_SHARED_DATA)')
    files = sorted(
        osp.join(folder, f) for f in os.listdir(folder)
        if f.lower().endswith(('.wav', '.flac', '.mp3')))
    if not files:
        raise FileNotFoundError(f'no audio files in {folder}')
    return files
