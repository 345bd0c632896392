# Copyright (c) mmavs contributors. All rights reserved.
"""Clips of a config's datasets for the analysis tools: build a split,
find a clip by its id, run a model on packed clips (with its extras)."""
from typing import List, Optional, Sequence, Tuple

import numpy as np
import torch
from mmengine.config import Config
from torch import nn

__all__ = [
    'split_dataset_cfg', 'build_split_dataset', 'find_clip', 'run_model',
    'frames_of', 'robust_test_dataset', 'condition_indices', 'gt_image'
]


def split_dataset_cfg(cfg: Config,
                      split: str = 'test',
                      data_root: Optional[str] = None) -> dict:
    """The dataset config of ``{split}_dataloader``, with ``data_root``
    set on the innermost dataset (below wrappers) when given.

    Args:
        cfg (Config): The config.
        split (str): ``'train'``, ``'val'`` or ``'test'``.
        data_root (str, optional): Dataset root to use.

    Returns:
        dict: A copy of the dataset config.
    """
    key = f'{split}_dataloader'
    if cfg.get(key) is None or 'dataset' not in cfg[key]:
        raise KeyError(f'the config has no {key}.dataset')
    ds = cfg[key].dataset.copy()
    if data_root is not None:
        inner = ds
        while 'pipeline' not in inner and isinstance(
                inner.get('dataset'), dict):
            inner = inner.dataset
        inner.data_root = data_root.rstrip('/') + '/'
    return ds


def build_split_dataset(cfg: Config,
                        split: str = 'test',
                        data_root: Optional[str] = None):
    """Build the dataset of a split (with its pipeline)."""
    from mmavs.registry import DATASETS
    from mmavs.utils import register_all_modules
    register_all_modules()
    return DATASETS.build(split_dataset_cfg(cfg, split, data_root))


def find_clip(dataset, clip_id: str) -> int:
    """Index of the clip ``clip_id`` in a clip dataset (not a wrapper).

    Raises:
        KeyError: If no clip has that id (the message lists a few).
    """
    ids = [
        str(dataset.get_data_info(i)['clip_id'])
        for i in range(len(dataset))
    ]
    if clip_id not in ids:
        raise KeyError(f'no clip {clip_id!r} in the dataset '
                       f'({len(ids)} clips, e.g. {ids[:5]})')
    return ids.index(clip_id)


@torch.no_grad()
def run_model(model: nn.Module,
              packed: Sequence[dict],
              with_extras: bool = False) -> Tuple[List, dict]:
    """Run a model on packed clips.

    Args:
        model (nn.Module): The model.
        packed (Sequence[dict]): Clips from a dataset or
            :class:`~mmavs.apis.ClipPipeline`.
        with_extras (bool): Use ``predict_with_extras`` and return the
            extras. Defaults to False (``test_step``, as ``tools/test.py``).

    Returns:
        tuple[list, dict]: Frame SegDataSamples and the extras (empty
        without ``with_extras``).
    """
    from mmavs.datasets import av_collate
    data = av_collate(list(packed))
    if not with_extras:
        return model.test_step(data), {}
    if not hasattr(model, 'predict_with_extras'):
        raise TypeError(f'{type(model).__name__} has no predict_with_extras')
    inputs = model.data_preprocessor(data, False)
    return model.predict_with_extras(**inputs)


def frames_of(packed: dict) -> List[np.ndarray]:
    """The RGB uint8 frames ``[H, W, 3]`` of a packed clip (what the model
    saw, after the pipeline's transforms)."""
    frames = packed['inputs']['frames']
    return [f.permute(1, 2, 0).cpu().numpy() for f in frames]


def robust_test_dataset(cfg: Config,
                        data_root: Optional[str] = None,
                        category_groups: Optional[str] = None,
                        seed: int = 0,
                        conditions: Sequence[str] = ('positive', 'silence',
                                                     'noise', 'offscreen')):
    """The config's test clips under the AVSBench-Robust audio conditions.

    A :class:`~mmavs.datasets.RobustAVSDataset` over the test dataset
    (the config's own wrapper arguments when its test set is already one,
    with ``conditions`` replaced).

    Args:
        cfg (Config): The config.
        data_root (str, optional): Dataset root.
        category_groups (str, optional): Category -> group preset for the
            off-screen sources. Defaults to the config's wrapper's, else
            ``'synthavs'`` when every category is a SynthAVS sound, else
            ``'s4'``.
        seed (int): Seed of the negative audio. Defaults to 0.
        conditions (Sequence[str]): Conditions. Defaults to the four of
            AVSBench-Robust.

    Returns:
        RobustAVSDataset: Block-ordered (condition ``c`` of clip ``i`` is
        sample ``c * N + i``).
    """
    from mmavs.datasets import RobustAVSDataset
    from mmavs.datasets.metainfo import SYNTHAVS_CATEGORY_GROUPS
    from mmavs.registry import DATASETS
    ds_cfg = split_dataset_cfg(cfg, 'test', data_root)
    kwargs = dict(seed=seed)
    if ds_cfg.get('type') == 'RobustAVSDataset':
        kwargs.update({
            k: v
            for k, v in ds_cfg.items()
            if k not in ('type', 'dataset', 'conditions', 'test_mode')
        })
        ds_cfg = ds_cfg.dataset
    inner = DATASETS.build(ds_cfg)
    if category_groups is not None:
        kwargs['category_groups'] = category_groups
    elif 'category_groups' not in kwargs:
        cats = {
            str(inner.get_data_info(i).get('category'))
            for i in range(len(inner))
        }
        kwargs['category_groups'] = 'synthavs' if cats <= set(
            SYNTHAVS_CATEGORY_GROUPS) else 's4'
    return RobustAVSDataset(
        dataset=inner, conditions=tuple(conditions), test_mode=True,
        **kwargs)


def condition_indices(robust, clip_index: int) -> dict:
    """Condition -> sample index of one clip in a RobustAVSDataset."""
    out = {}
    for k in range(len(robust)):
        clip, cond = robust.sample_plan(k)
        if clip == clip_index:
            out[cond] = k
    return out


def gt_image(mask: np.ndarray,
             palette: Sequence[Sequence[int]],
             ignore_index: int = 255) -> np.ndarray:
    """RGB image of a ground-truth label map; ignored pixels grey."""
    from mmavs.visualization import colorize_mask
    mask = np.asarray(mask)
    ignored = mask == ignore_index
    image = colorize_mask(np.where(ignored, 0, mask), palette)
    image[ignored] = 128
    return image
