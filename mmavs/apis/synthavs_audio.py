# Copyright (c) mmavs contributors. All rights reserved.
"""A pretrained, frozen audio encoder for the tiny SynthAVS configs.

The published AVS methods embed the audio with an encoder pretrained on
AudioSet (VGGish, HTSAT) and keep it frozen. No pretrained weight can be
downloaded here, so the tiny configs use the same recipe at SynthAVS scale:
an :class:`~mmavs.models.AudioMLP` over the VGGish log-mel examples,
pretrained to recognise which categories are heard in each one-second
frame of the SynthAVS train split (multi-label, the ``audible`` column of
the metadata: on- and off-screen sounds, silence = no label), then loaded
frozen by the configs (``init_cfg=dict(type='Pretrained', ...)``). Only the
audio of the train split and its sound labels are used, never the masks.

Trained from scratch through the fusion module instead, the audio encoder
of the tiny TPAVI model does not learn to tell the categories apart and the
model ignores the audio (README, "Audio vs audio-blind").

The checkpoint is a plain ``{'state_dict', 'meta'}`` file (tensors and
builtin types, loadable with ``torch.load(weights_only=True)``); its
``state_dict`` keys are those of :class:`AudioMLP` (``mlp.0.weight`` ...).
"""
import hashlib
import inspect
import json
import os
import os.path as osp
import time
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from mmengine.registry import init_default_scope
from torch import nn

# The folders and metadata of each binary SynthAVS layout.
_LAYOUTS = {
    'ms3':
    dict(
        dataset='AVSBenchMS3Dataset',
        ann_file='Multi-sources/ms3_meta_data.csv',
        audio_path='Multi-sources/ms3_data/audio_wav'),
    's4':
    dict(
        dataset='AVSBenchS4Dataset',
        ann_file='Single-source/s4_meta_data.csv',
        audio_path='Single-source/s4_data/audio_wav'),
}
DEFAULT_ENCODER_FILE = osp.join('pretrained', 'synthavs_audio_mlp.pth')


def _split_audio(data_root: str, layout: str,
                 split: str) -> Tuple[np.ndarray, List[List[str]]]:
    """VGGish examples [N, 96*64] and the categories heard per frame."""
    from mmavs.registry import DATASETS
    init_default_scope('mmavs')
    spec = _LAYOUTS[layout]
    dataset = DATASETS.build(
        dict(
            type=spec['dataset'],
            data_root=data_root,
            ann_file=spec['ann_file'],
            split=split,
            data_prefix=dict(
                frame_path='', mask_path='', audio_path=spec['audio_path']),
            meta_columns=('audible', ),
            pipeline=[dict(type='LoadAVAudio', representation='vggish')]))
    feats, labels = [], []
    for i in range(len(dataset)):
        item = dataset[i]
        audible = item.get('audible')
        if audible is None:
            raise KeyError(f'SynthAVS {layout}/{split} clip '
                           f'{item["clip_id"]}: no "audible" column in '
                           f'{spec["ann_file"]} (not a SynthAVS tree?)')
        frames = audible.split('|')
        audio = np.asarray(item['audio'], dtype=np.float32)
        if len(frames) != audio.shape[0]:
            raise ValueError(f'SynthAVS clip {item["clip_id"]}: "audible" '
                             f'lists {len(frames)} frames, the audio has '
                             f'{audio.shape[0]}')
        feats.append(audio.reshape(audio.shape[0], -1))
        labels.extend([] if f == '-' else f.split('+') for f in frames)
    return np.concatenate(feats), labels


def _multi_hot(labels: List[List[str]], categories: Sequence[str],
               where: str) -> torch.Tensor:
    index = {c: i for i, c in enumerate(categories)}
    out = torch.zeros(len(labels), len(categories))
    for row, names in enumerate(labels):
        for name in names:
            if name not in index:
                raise KeyError(f'{where}: category {name!r} is not heard in '
                               f'the train split {list(categories)}')
            out[row, index[name]] = 1
    return out


def _stamp_digest(data_root: str) -> str:
    stamp = osp.join(data_root, 'synthavs_stamp.json')
    if not osp.isfile(stamp):
        raise FileNotFoundError(f'{stamp} not found: {data_root} is not a '
                                'SynthAVS tree (generate it with '
                                'tools/dataset_converters/make_synthavs.py)')
    with open(stamp, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()[:16]


def _recipe(data_root: str, layout: str, hidden: Sequence[int],
            out_features: int, epochs: int, batch_size: int, lr: float,
            seed: int) -> Dict:
    """The parameters recorded in (and compared against) ``meta``."""
    if layout not in _LAYOUTS:
        raise KeyError(f'pretrain_synthavs_audio: layout={layout!r}, '
                       f'expected one of {sorted(_LAYOUTS)}')
    return dict(
        layout=layout,
        hidden=list(hidden),
        out_features=int(out_features),
        epochs=int(epochs),
        batch_size=int(batch_size),
        lr=float(lr),
        seed=int(seed),
        data_stamp=_stamp_digest(data_root))


def pretrain_synthavs_audio(data_root: str,
                            out_file: Optional[str] = None,
                            layout: str = 'ms3',
                            hidden: Sequence[int] = (128, ),
                            out_features: int = 128,
                            epochs: int = 30,
                            batch_size: int = 64,
                            lr: float = 1e-3,
                            seed: int = 0) -> Dict:
    """Pretrain the SynthAVS audio encoder and save it.

    Args:
        data_root (str): SynthAVS root (with ``synthavs_stamp.json``).
        out_file (str, optional): Checkpoint path. Defaults to
            ``<data_root>/pretrained/synthavs_audio_mlp.pth``.
        layout (str): Binary layout whose train audio is used, ``'ms3'``
            (default) or ``'s4'``.
        hidden (Sequence[int]): AudioMLP hidden widths. Defaults to (128,).
        out_features (int): Embedding size. Defaults to 128 (as VGGish).
        epochs (int): Passes over the train frames. Defaults to 30.
        batch_size (int): Frames per step. Defaults to 64.
        lr (float): Adam learning rate. Defaults to 1e-3.
        seed (int): Seed of the initialization and the batch order.

    Returns:
        dict: The ``meta`` saved with the weights (categories, parameters,
        train/val frame accuracy, data stamp digest).
    """
    from mmavs.models.audio_backbones.audio_mlp import AudioMLP
    out_file = out_file or osp.join(data_root, DEFAULT_ENCODER_FILE)
    params = _recipe(data_root, layout, hidden, out_features, epochs,
                     batch_size, lr, seed)
    start = time.time()
    x_train, y_names = _split_audio(data_root, layout, 'train')
    categories = sorted({c for names in y_names for c in names})
    if not categories:
        raise ValueError(f'{data_root}: no sound is heard in the {layout} '
                         'train split')
    y_train = _multi_hot(y_names, categories, f'{layout}/train')
    x_val, val_names = _split_audio(data_root, layout, 'val')
    y_val = _multi_hot(val_names, categories, f'{layout}/val')
    x_train, x_val = torch.from_numpy(x_train), torch.from_numpy(x_val)

    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    encoder = AudioMLP(
        x_train.shape[1], out_features=out_features, hidden=hidden)
    classifier = nn.Linear(out_features, len(categories))
    model = nn.Sequential(encoder, classifier)
    optim = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(epochs):
        order = torch.randperm(len(x_train), generator=gen)
        for i in range(0, len(order), batch_size):
            idx = order[i:i + batch_size]
            loss = F.binary_cross_entropy_with_logits(
                model(x_train[idx]), y_train[idx])
            optim.zero_grad()
            loss.backward()
            optim.step()

    def accuracy(x, y):
        """Frames whose set of heard categories is recognised exactly."""
        with torch.no_grad():
            pred = model(x) > 0
        return float((pred == y.bool()).all(1).float().mean())

    meta = dict(
        params,
        categories=categories,
        train_frames=len(x_train),
        train_accuracy=accuracy(x_train, y_train),
        val_accuracy=accuracy(x_val, y_val),
        seconds=round(time.time() - start, 1))
    os.makedirs(osp.dirname(osp.abspath(out_file)), exist_ok=True)
    tmp = f'{out_file}.tmp{os.getpid()}'
    torch.save(dict(state_dict=encoder.state_dict(), meta=meta), tmp)
    os.replace(tmp, out_file)
    return meta


def ensure_synthavs_audio(data_root: str,
                          out_file: Optional[str] = None,
                          **kwargs) -> str:
    """Pretrain the audio encoder unless ``out_file`` matches the data.

    The checkpoint is reused when its ``meta`` records the same parameters
    and the same SynthAVS stamp (regenerated data get a new encoder).

    Args:
        data_root (str): SynthAVS root.
        out_file (str, optional): See :func:`pretrain_synthavs_audio`.
        **kwargs: Parameters of :func:`pretrain_synthavs_audio`.

    Returns:
        str: The checkpoint path.
    """
    out_file = out_file or osp.join(data_root, DEFAULT_ENCODER_FILE)
    if osp.isfile(out_file):
        meta = torch.load(out_file, map_location='cpu',
                          weights_only=True).get('meta', {})
        args = inspect.signature(pretrain_synthavs_audio).bind(
            data_root, out_file, **kwargs)
        args.apply_defaults()
        args.arguments.pop('out_file')
        wanted = _recipe(**args.arguments)
        if all(meta.get(k) == v for k, v in wanted.items()):
            return out_file
    meta = pretrain_synthavs_audio(data_root, out_file, **kwargs)
    print('[synthavs] pretrained the audio encoder: '
          + json.dumps({k: meta[k] for k in (
              'categories', 'train_accuracy', 'val_accuracy', 'seconds')}))
    return out_file
