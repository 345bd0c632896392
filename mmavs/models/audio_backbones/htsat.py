# Copyright (c) mmavs contributors. All rights reserved.
"""HTS-AT audio backbone from LAION-CLAP, imported lazily.

``import laion_clap`` pulls the text towers (transformers) and contacts the
Hugging Face hub; only ``laion_clap/clap_module/htsat.py`` (with its two
sibling modules ``utils`` and ``feature_fusion``) is needed here, so it is
loaded under a private package name without running laion_clap's package
``__init__`` files.
"""
import importlib
import importlib.util
import os
import os.path as osp
import pickle
import sys
import types
from typing import Dict, Optional

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from torch import Tensor, nn

from mmavs.compat.numpy_globals import numpy_safe_globals
from mmavs.registry import MODELS

_PKG = '_mmavs_laion_clap_module'

# CLAP "HTSAT-tiny" audio config (laion_clap model_configs/HTSAT-tiny.json)
HTSAT_TINY_CFG = dict(
    audio_length=1024,
    clip_samples=480000,
    mel_bins=64,
    sample_rate=48000,
    window_size=1024,
    hop_size=480,
    fmin=50,
    fmax=14000,
    class_num=527,
    model_type='HTSAT',
    model_name='tiny')


def import_htsat_module() -> types.ModuleType:
    """Import ``laion_clap/clap_module/htsat.py`` alone.

    Returns:
        module: The htsat module (``HTSAT_Swin_Transformer``,
        ``create_htsat_model``).
    """
    if f'{_PKG}.htsat' in sys.modules:
        return sys.modules[f'{_PKG}.htsat']
    os.environ.setdefault('HF_HUB_OFFLINE', '1')
    spec = importlib.util.find_spec('laion_clap')
    if spec is None or spec.origin is None:
        raise ImportError('HTSAT needs the laion_clap package '
                          '(pip install laion_clap); it is not installed')
    pkg_dir = osp.join(osp.dirname(spec.origin), 'clap_module')
    if not osp.isfile(osp.join(pkg_dir, 'htsat.py')):
        raise ImportError(f'laion_clap at {osp.dirname(spec.origin)} has no '
                          'clap_module/htsat.py')
    pkg = types.ModuleType(_PKG)
    pkg.__path__ = [pkg_dir]
    sys.modules[_PKG] = pkg
    return importlib.import_module(f'{_PKG}.htsat')


class _AttrDict(dict):
    """The attribute-style audio config that ``htsat.py`` reads."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError as e:
            raise AttributeError(name) from e


@MODELS.register_module()
class HTSAT(BaseModule):
    """HTS-AT (Chen et al., ICASSP 2022) as in LAION-CLAP, per frame.

    Each frame's audio is a waveform chunk [L] at 48 kHz (e.g. 1 s, L =
    48000). As in CLAP's ``get_audio_features(data_filling='repeatpad')``,
    a chunk shorter than ``clip_samples`` (10 s) is tiled and zero padded
    to 10 s; ``HTSAT_Swin_Transformer`` (the CLAP ``HTSAT-tiny`` audio
    branch, no feature fusion) then gives a 768-D ``embedding``. With
    ``out_type='projection'`` CLAP's ``audio_projection`` MLP (768 -> 512
    -> 512) is applied as well (the joint audio-text space; no L2
    normalisation).

    ``init_cfg=dict(type='Pretrained', checkpoint=CLAP_CKPT)`` loads a
    local CLAP checkpoint (e.g. ``630k-audioset-best.pt``): keys are taken
    from ``audio_branch.*`` / ``audio_projection.*`` with an optional
    ``module.`` / ``model.`` prefix; text tower keys are ignored. The public
    checkpoints are laion-clap's training checkpoints (``epoch``, ``name``,
    ``state_dict``, ``optimizer``) whose optimizer state holds numpy
    scalars; they load with ``weights_only=True`` and an allow-list of the
    numpy scalar/dtype globals only (:func:`numpy_safe_globals`), never by
    full unpickling.

    Args:
        audio_cfg (dict, optional): CLAP audio config; HTSAT-tiny by
            default.
        out_type (str): ``'embedding'`` (768-D, default) or
            ``'projection'`` (512-D).
        frozen (bool): No grad, eval mode. Defaults to True.
        init_cfg (dict, optional): See above.
    """

    def __init__(self,
                 audio_cfg: Optional[dict] = None,
                 out_type: str = 'embedding',
                 frozen: bool = True,
                 init_cfg=None) -> None:
        super().__init__(init_cfg=None)
        if out_type not in ('embedding', 'projection'):
            raise ValueError(f"HTSAT: out_type={out_type!r}, expected "
                             "'embedding' or 'projection'")
        cfg = dict(HTSAT_TINY_CFG)
        cfg.update(audio_cfg or {})
        self.audio_cfg = _AttrDict(cfg)
        htsat = import_htsat_module()
        self.audio_branch = htsat.create_htsat_model(self.audio_cfg)
        embed_dim = self.audio_branch.num_features
        self.out_type = out_type
        self.audio_projection = None
        if out_type == 'projection':
            self.audio_projection = nn.Sequential(
                nn.Linear(embed_dim, 512), nn.ReLU(), nn.Linear(512, 512))
        self.clip_samples = int(self.audio_cfg.clip_samples)
        self.checkpoint = None
        if init_cfg is not None:
            if init_cfg.get('type') != 'Pretrained' or \
                    'checkpoint' not in init_cfg:
                raise ValueError('HTSAT: init_cfg must be dict(type='
                                 "'Pretrained', checkpoint=PATH), got "
                                 f'{init_cfg}')
            self.checkpoint = init_cfg['checkpoint']
        self.frozen = frozen
        if frozen:
            self.requires_grad_(False)
            self.eval()

    @staticmethod
    def clap_audio_state_dict(
            state_dict: Dict[str, Tensor],
            with_projection: bool = True) -> Dict[str, Tensor]:
        """Select the audio keys of a CLAP state dict.

        Args:
            state_dict (dict): CLAP state dict (any of the prefixes
                ``module.``, ``model.``).
            with_projection (bool): Keep ``audio_projection.*``.

        Returns:
            dict: ``audio_branch.*`` (and ``audio_projection.*``) tensors.
        """
        out = {}
        keep = ('audio_branch.', 'audio_projection.') if with_projection \
            else ('audio_branch.', )
        for key, value in state_dict.items():
            for prefix in ('module.', 'model.'):
                if key.startswith(prefix):
                    key = key[len(prefix):]
            if key.startswith(keep):
                out[key] = value
        return out

    def load_clap_state_dict(self, state_dict: Dict[str, Tensor]) -> None:
        """Load the audio part of a CLAP state dict (strict).

        Args:
            state_dict (dict): CLAP state dict.
        """
        sd = self.clap_audio_state_dict(
            state_dict, with_projection=self.audio_projection is not None)
        if not any(k.startswith('audio_branch.') for k in sd):
            raise KeyError('HTSAT: the state dict has no audio_branch.* keys'
                           ' (expected a LAION-CLAP checkpoint)')
        own = self.state_dict()
        # torchlibrosa's fixed STFT/mel buffers may be absent or present
        missing = [
            k for k in own if k not in sd and not k.startswith(
                ('audio_branch.spectrogram_extractor',
                 'audio_branch.logmel_extractor'))
        ]
        unexpected = [k for k in sd if k not in own]
        if missing or unexpected:
            raise KeyError(f'HTSAT: CLAP state dict mismatch; missing '
                           f'{missing[:5]} (+{max(len(missing) - 5, 0)}), '
                           f'unexpected {unexpected[:5]}')
        self.load_state_dict(sd, strict=False)

    def init_weights(self) -> None:
        """Load the local CLAP checkpoint named by ``init_cfg``."""
        if self.checkpoint is None:
            return
        if not osp.isfile(self.checkpoint):
            raise FileNotFoundError(
                f'HTSAT: CLAP checkpoint {self.checkpoint} not found')
        try:
            with torch.serialization.safe_globals(numpy_safe_globals()):
                ckpt = torch.load(
                    self.checkpoint, map_location='cpu', weights_only=True)
        except pickle.UnpicklingError as e:
            raise pickle.UnpicklingError(
                f'HTSAT: {self.checkpoint} holds objects that are not '
                'allowed in a weights-only load (tensors, containers and '
                f'numpy scalars are): {e}') from e
        if isinstance(ckpt, dict) and 'state_dict' in ckpt:
            ckpt = ckpt['state_dict']
        self.load_clap_state_dict(ckpt)
        self._is_init = True

    def train(self, mode: bool = True) -> 'HTSAT':
        """Set the mode; a frozen network stays in eval mode."""
        return super().train(mode and not self.frozen)

    def _fill(self, x: Tensor) -> Tensor:
        """Repeat-pad (or crop) chunks to ``clip_samples``."""
        length = x.shape[1]
        if length > self.clip_samples:
            start = (length - self.clip_samples) // 2
            return x[:, start:start + self.clip_samples]
        reps = self.clip_samples // length
        x = x.repeat(1, reps)
        return F.pad(x, (0, self.clip_samples - x.shape[1]))

    def forward(self, x: Tensor) -> Tensor:
        """Embed waveform chunks.

        Args:
            x (Tensor): [N, L] mono waveform chunks at 48 kHz
                ([N, 1, L] is accepted).

        Returns:
            Tensor: [N, 768] (``embedding``) or [N, 512] (``projection``).
        """
        if x.dim() == 3 and x.shape[1] == 1:
            x = x[:, 0]
        if x.dim() != 2 or x.shape[1] == 0:
            raise ValueError('HTSAT expects waveform chunks [N, L], got '
                             f'{tuple(x.shape)}')
        wave = self._fill(x.float())
        out = self.audio_branch(
            dict(waveform=wave), device=wave.device)['embedding']
        if self.audio_projection is not None:
            out = self.audio_projection(out)
        return out
