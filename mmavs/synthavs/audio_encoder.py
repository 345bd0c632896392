# Copyright (c) mmavs contributors. All rights reserved.
"""A pretrained, frozen audio encoder for the tiny SynthAVS configs.

The published AVS methods embed the audio with an encoder pretrained on
AudioSet (VGGish, HTSAT) and keep it frozen. No pretrained weight can be
downloaded here, so the tiny configs use the same recipe at SynthAVS scale:
an :class:`~mmavs.models.AudioMLP` over the VGGish log-mel examples,
pretrained to recognise what is heard in each one-second frame of the
SynthAVS train split, then loaded frozen by the configs
(``init_cfg=dict(type='Pretrained', ...)``). The targets are the sounds'
own labels, read from the metadata columns ``audible`` (which categories
are heard, on- or off-screen; silence = none: multi-label, binary
cross-entropy) and ``pitch`` (the pitch level of each heard category:
cross-entropy over the levels, only for the heard categories). Only the
audio of the train split and its sound labels are used, never the frames,
the masks or the brightness levels, so the encoder learns nothing about
the binding of :mod:`mmavs.synthavs.scene`; the segmentation models must
learn it.

Trained from scratch through the fusion module instead, the audio encoder
of the tiny TPAVI model does not learn to tell the categories apart and the
model ignores the audio (README, "Audio vs audio-blind").

The checkpoint is a plain ``{'state_dict', 'meta'}`` file (tensors and
builtin types, loadable with ``torch.load(weights_only=True)``); its
``state_dict`` keys are those of :class:`AudioMLP` (``mlp.0.weight`` ...).
"""
import hashlib
import inspect
import os
import os.path as osp
import sys
import time
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from mmengine.registry import init_default_scope
from torch import nn

from .stamp import STAMP_FILE

__all__ = [
    'DEFAULT_ENCODER_FILE', 'pretrain_synthavs_audio', 'ensure_synthavs_audio'
]

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


def _split_column(value: str, num_frames: int, key: str, clip: str) -> list:
    frames = value.split('|')
    if len(frames) != num_frames:
        raise ValueError(f'SynthAVS clip {clip}: "{key}" lists '
                         f'{len(frames)} frames, the audio has {num_frames}')
    return [[] if f == '-' else f.split('+') for f in frames]


def _split_audio(
        data_root: str, layout: str,
        split: str) -> Tuple[np.ndarray, List[List[str]], List[List[int]]]:
    """VGGish examples [N, 96*64], the categories heard per frame and
    their pitch levels."""
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
            meta_columns=('audible', 'pitch'),
            pipeline=[dict(type='LoadAVAudio', representation='vggish')]))
    feats, labels, levels = [], [], []
    for i in range(len(dataset)):
        item = dataset[i]
        clip = item['clip_id']
        for key in ('audible', 'pitch'):
            if item.get(key) is None:
                raise KeyError(f'SynthAVS {layout}/{split} clip {clip}: no '
                               f'"{key}" column in {spec["ann_file"]} (not '
                               'a SynthAVS v2 tree?)')
        audio = np.asarray(item['audio'], dtype=np.float32)
        T = audio.shape[0]
        heard = _split_column(item['audible'], T, 'audible', clip)
        pitch = _split_column(item['pitch'], T, 'pitch', clip)
        for t in range(T):
            if len(heard[t]) != len(pitch[t]):
                raise ValueError(f'SynthAVS clip {clip}, frame {t}: '
                                 f'{len(heard[t])} categories heard but '
                                 f'{len(pitch[t])} pitch levels')
        feats.append(audio.reshape(T, -1))
        labels.extend(heard)
        levels.extend([[int(v) for v in frame] for frame in pitch])
    return np.concatenate(feats), labels, levels


def _targets(labels: List[List[str]], levels: List[List[int]],
             categories: Sequence[str], num_levels: int,
             where: str) -> Tuple[torch.Tensor, torch.Tensor]:
    """Multi-hot categories [N, C] and pitch levels [N, C] (-1: silent)."""
    index = {c: i for i, c in enumerate(categories)}
    heard = torch.zeros(len(labels), len(categories))
    pitch = torch.full((len(labels), len(categories)), -1, dtype=torch.long)
    for row, (names, levs) in enumerate(zip(labels, levels)):
        for name, lev in zip(names, levs):
            if name not in index:
                raise KeyError(f'{where}: category {name!r} is not a '
                               f'category of the tree {list(categories)}')
            if not 0 <= lev < num_levels:
                raise ValueError(f'{where}: pitch level {lev} of {name!r} '
                                 f'outside [0, {num_levels})')
            heard[row, index[name]] = 1
            pitch[row, index[name]] = lev
    return heard, pitch


def _stamp(data_root: str) -> Tuple[str, int, List[str]]:
    """Digest of the tree's stamp, its number of pitch levels and its
    category names."""
    import json
    path = osp.join(data_root, STAMP_FILE)
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path} not found: {data_root} is not a '
                                'SynthAVS tree (generate it with '
                                'tools/dataset_converters/make_synthavs.py)')
    with open(path, 'rb') as f:
        raw = f.read()
    stamp = json.loads(raw)
    try:
        levels = int(stamp['params']['num_levels'])
        names = [c['name'] for c in stamp['categories']]
    except (KeyError, TypeError) as e:
        raise KeyError(f'{path}: no params.num_levels / categories[].name '
                       f'({e}); regenerate the tree with '
                       'tools/dataset_converters/make_synthavs.py') from e
    return hashlib.sha256(raw).hexdigest()[:16], levels, names


def _recipe(data_root: str, layout: str, hidden: Sequence[int],
            out_features: int, epochs: int, batch_size: int, lr: float,
            seed: int) -> Dict:
    """The parameters recorded in (and compared against) ``meta``."""
    if layout not in _LAYOUTS:
        raise KeyError(f'pretrain_synthavs_audio: layout={layout!r}, '
                       f'expected one of {sorted(_LAYOUTS)}')
    digest, levels, _ = _stamp(data_root)
    return dict(
        layout=layout,
        hidden=list(hidden),
        out_features=int(out_features),
        epochs=int(epochs),
        batch_size=int(batch_size),
        lr=float(lr),
        seed=int(seed),
        num_levels=levels,
        data_stamp=digest)


class _Probe(nn.Module):
    """The encoder with its two pretraining heads."""

    def __init__(self, encoder: nn.Module, out_features: int,
                 num_categories: int, num_levels: int) -> None:
        super().__init__()
        self.encoder = encoder
        self.heard = nn.Linear(out_features, num_categories)
        self.pitch = nn.Linear(out_features, num_categories * num_levels)
        self.shape = (num_categories, num_levels)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        emb = self.encoder(x)
        return self.heard(emb), self.pitch(emb).view(-1, *self.shape)


def _loss(model: _Probe, x: torch.Tensor, heard: torch.Tensor,
          pitch: torch.Tensor) -> torch.Tensor:
    logits, pitch_logits = model(x)
    loss = F.binary_cross_entropy_with_logits(logits, heard)
    on = pitch >= 0
    if on.any():
        loss = loss + F.cross_entropy(pitch_logits[on], pitch[on])
    return loss


def _accuracy(model: _Probe, x: torch.Tensor, heard: torch.Tensor,
              pitch: torch.Tensor) -> Tuple[float, float]:
    """Frames whose set of heard categories is recognised exactly, and
    heard categories whose pitch level is recognised."""
    with torch.no_grad():
        logits, pitch_logits = model(x)
    exact = float(((logits > 0) == heard.bool()).all(1).float().mean())
    on = pitch >= 0
    if not on.any():
        return exact, float('nan')
    level = float((pitch_logits.argmax(-1)[on] == pitch[on]).float().mean())
    return exact, level


def _fit(x_train: torch.Tensor, y_train: Tuple[torch.Tensor, torch.Tensor],
         categories: Sequence[str], num_levels: int, hidden: Sequence[int],
         out_features: int, epochs: int, batch_size: int, lr: float, seed: int,
         progress: bool) -> Tuple[nn.Module, _Probe]:
    """Train the encoder and its heads (Adam, seeded batch order)."""
    from mmavs.models.audio_backbones.audio_mlp import AudioMLP
    gen = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    encoder = AudioMLP(
        x_train.shape[1], out_features=out_features, hidden=hidden)
    model = _Probe(encoder, out_features, len(categories), num_levels)
    optim = torch.optim.Adam(model.parameters(), lr=lr)
    bar = None
    if progress:
        from mmengine.utils import ProgressBar
        print(f'[synthavs] pretraining the audio encoder: {epochs} epochs '
              f'over {len(x_train)} train frames')
        bar = ProgressBar(epochs, file=sys.stdout)
    for _ in range(epochs):
        order = torch.randperm(len(x_train), generator=gen)
        for i in range(0, len(order), batch_size):
            idx = order[i:i + batch_size]
            loss = _loss(model, x_train[idx], y_train[0][idx], y_train[1][idx])
            optim.zero_grad()
            loss.backward()
            optim.step()
        if bar is not None:
            bar.update()
    if bar is not None:
        sys.stdout.write('\n')
    return encoder, model


def pretrain_synthavs_audio(data_root: str,
                            out_file: Optional[str] = None,
                            layout: str = 'ms3',
                            hidden: Sequence[int] = (128, ),
                            out_features: int = 128,
                            epochs: int = 30,
                            batch_size: int = 64,
                            lr: float = 1e-3,
                            seed: int = 0,
                            progress: bool = False) -> Dict:
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
        progress (bool): Print a progress bar over the epochs.

    Returns:
        dict: The ``meta`` saved with the weights (categories, parameters,
        train/val accuracy of the categories and of the pitch levels,
        data stamp digest, seconds).
    """
    out_file = out_file or osp.join(data_root, DEFAULT_ENCODER_FILE)
    params = _recipe(data_root, layout, hidden, out_features, epochs,
                     batch_size, lr, seed)
    L = params['num_levels']
    start = time.time()
    if progress:
        print(f'[synthavs] reading the {layout} train/val audio for the '
              'audio encoder')
        sys.stdout.flush()
    categories = _stamp(data_root)[2]
    x_train, names, levels = _split_audio(data_root, layout, 'train')
    y_train = _targets(names, levels, categories, L, f'{layout}/train')
    x_val, val_names, val_levels = _split_audio(data_root, layout, 'val')
    y_val = _targets(val_names, val_levels, categories, L, f'{layout}/val')
    x_train, x_val = torch.from_numpy(x_train), torch.from_numpy(x_val)

    # one thread: the model is tiny, and on a busy machine the OpenMP
    # threads of a multi-threaded step wait for each other (20x slower)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        encoder, model = _fit(x_train, y_train, categories, L, hidden,
                              out_features, epochs, batch_size, lr, seed,
                              progress)
    finally:
        torch.set_num_threads(threads)
    train_acc = _accuracy(model, x_train, *y_train)
    val_acc = _accuracy(model, x_val, *y_val)
    meta = dict(
        params,
        categories=categories,
        train_frames=len(x_train),
        train_accuracy=train_acc[0],
        val_accuracy=val_acc[0],
        train_pitch_accuracy=train_acc[1],
        val_pitch_accuracy=val_acc[1],
        seconds=round(time.time() - start, 1))
    os.makedirs(osp.dirname(osp.abspath(out_file)), exist_ok=True)
    tmp = f'{out_file}.tmp{os.getpid()}'
    torch.save(dict(state_dict=encoder.state_dict(), meta=meta), tmp)
    os.replace(tmp, out_file)
    return meta


def ensure_synthavs_audio(data_root: str,
                          out_file: Optional[str] = None,
                          progress: bool = True,
                          **kwargs) -> str:
    """Pretrain the audio encoder unless ``out_file`` matches the data.

    The checkpoint is reused when its ``meta`` records the same parameters
    and the same SynthAVS stamp (regenerated data get a new encoder).

    Args:
        data_root (str): SynthAVS root.
        out_file (str, optional): See :func:`pretrain_synthavs_audio`.
        progress (bool): Print progress, the result, or that the
            checkpoint is reused (and the seconds the check took).
        **kwargs: Parameters of :func:`pretrain_synthavs_audio`.

    Returns:
        str: The checkpoint path.
    """
    t0 = time.time()
    out_file = out_file or osp.join(data_root, DEFAULT_ENCODER_FILE)
    if osp.isfile(out_file):
        meta = torch.load(
            out_file, map_location='cpu', weights_only=True).get('meta', {})
        args = inspect.signature(pretrain_synthavs_audio).bind(
            data_root, out_file, **kwargs)
        args.apply_defaults()
        for key in ('out_file', 'progress'):
            args.arguments.pop(key)
        wanted = _recipe(**args.arguments)
        if all(meta.get(k) == v for k, v in wanted.items()):
            if progress:
                print(f'[synthavs] audio encoder {out_file} is up to date '
                      f'(same data and recipe); reused it in '
                      f'{time.time() - t0:.2f} s')
            return out_file
    meta = pretrain_synthavs_audio(
        data_root, out_file, progress=progress, **kwargs)
    if progress:
        print(f'[synthavs] audio encoder {out_file}: '
              f'{len(meta["categories"])} categories, val frames '
              f'recognised exactly {100 * meta["val_accuracy"]:.1f} %, '
              f'pitch levels {100 * meta["val_pitch_accuracy"]:.1f} %, '
              f'{meta["seconds"]} s')
    return out_file
