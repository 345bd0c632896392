# Copyright (c) mmavs contributors. All rights reserved.
"""Checkpoint files for the safe-loading tests and the fault injection."""
import os
from typing import Mapping, Optional

import torch


class CreateFileOnUnpickle:
    """An object whose unpickling creates the file ``marker``.

    Stands for any payload a pickle can run (``os.system`` ...): loading a
    checkpoint that holds it with ``weights_only=False`` creates the file.
    """

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, 'w'))


def write_malicious_checkpoint(path: str,
                               marker: str,
                               state_dict: Optional[Mapping] = None,
                               meta: Optional[dict] = None) -> str:
    """Write an mmengine-like checkpoint carrying a file-creating payload.

    Args:
        path (str): Checkpoint file to write.
        marker (str): File that unpickling the checkpoint would create.
        state_dict (Mapping, optional): Weights to carry (e.g. a real
            model's, so that only the payload is wrong). Defaults to {}.
        meta (dict, optional): ``meta`` entry. Defaults to iteration 0.

    Returns:
        str: ``path``.
    """
    if os.path.exists(marker):
        raise FileExistsError(f'marker {marker} exists already')
    torch.save(
        dict(
            meta=meta or dict(epoch=0, iter=0),
            state_dict=dict(state_dict or {}),
            payload=CreateFileOnUnpickle(marker)), path)
    return path
