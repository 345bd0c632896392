# Copyright (c) mmavs contributors. All rights reserved.
"""The stamp of a SynthAVS tree: what it was generated from.

``synthavs_stamp.json`` at the root records the generator version, the
parameters (:class:`~mmavs.synthavs.params.SynthAVSParams`) and the
identity of the sounds (the procedural category names, or the names and
sizes of the recordings of ``sound_dir``), plus the category table and the
clip counts. A tree whose stamp records other parameters is out of date
(:func:`mmavs.synthavs.ensure.ensure_synthavs` regenerates it).
"""
import json
import os
import os.path as osp
from typing import Optional

from .params import LAYOUT_CSVS, LAYOUT_DIRS, SYNTHAVS_VERSION, SynthAVSParams
from .sounds import sound_bank_identity

__all__ = [
    'STAMP_FILE', 'CLIPS_JSON', 'stamp_key', 'read_stamp', 'write_stamp',
    'tree_is_current'
]

STAMP_FILE = 'synthavs_stamp.json'
#: Full per-clip records, next to each layout's metadata CSV.
CLIPS_JSON = 'synthavs_clips.json'


def stamp_key(params: SynthAVSParams) -> dict:
    """What a tree must record to count as made with ``params``."""
    return dict(
        version=SYNTHAVS_VERSION,
        params=params.to_dict(),
        sounds=sound_bank_identity(params.num_categories, params.sound_dir))


def read_stamp(root: str) -> Optional[dict]:
    """The stamp of the tree at ``root`` (None if absent or unreadable)."""
    try:
        with open(osp.join(root, STAMP_FILE)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def write_stamp(root: str, stamp: dict) -> str:
    """Write ``stamp`` as the tree's stamp file (atomically)."""
    path = osp.join(root, STAMP_FILE)
    tmp = f'{path}.tmp{os.getpid()}'
    with open(tmp, 'w') as f:
        json.dump(stamp, f, indent=1)
    os.replace(tmp, path)
    return path


def tree_is_current(root: str, params: SynthAVSParams) -> bool:
    """Whether ``root`` holds a complete tree made with ``params``."""
    stamp = read_stamp(root)
    if stamp is None:
        return False
    key = stamp_key(params)
    if any(stamp.get(k) != v for k, v in key.items()):
        return False
    return all(
        osp.isfile(osp.join(root, LAYOUT_DIRS[lay], LAYOUT_CSVS[lay]))
        for lay in params.layouts)
