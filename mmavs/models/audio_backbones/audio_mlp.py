# Copyright (c) mmavs contributors. All rights reserved.
from typing import Sequence

from mmengine.model import BaseModule
from torch import Tensor, nn

from mmavs.registry import MODELS


@MODELS.register_module()
class AudioMLP(BaseModule):
    """Flatten per-frame audio and embed it with an MLP.

    Works on any per-frame representation (VGGish examples [N, 1, 96, 64],
    precomputed embeddings [N, D]): the input is flattened from dim 1 on.
    Meant for tiny configs and tests; it can also serve as a trainable
    projection of precomputed features.

    Args:
        in_features (int): Flattened size of one frame's audio.
        hidden (Sequence[int]): Hidden widths. Defaults to ().
        out_features (int): Embedding size. Defaults to 128.
        frozen (bool): Keep the module frozen (no grad, eval mode).
        init_cfg (dict, optional): Initialization config.
    """

    def __init__(self,
                 in_features: int,
                 out_features: int = 128,
                 hidden: Sequence[int] = (),
                 frozen: bool = False,
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        widths = [in_features, *hidden, out_features]
        layers = []
        for i in range(len(widths) - 1):
            layers.append(nn.Linear(widths[i], widths[i + 1]))
            layers.append(nn.ReLU(inplace=True))
        self.mlp = nn.Sequential(*layers)
        self.in_features = in_features
        self.frozen = frozen
        if frozen:
            self.requires_grad_(False)

    def forward(self, audio: Tensor) -> Tensor:
        """Embed [N, ...] audio to [N, out_features]."""
        flat = audio.flatten(1)
        if flat.shape[1] != self.in_features:
            raise ValueError(f'AudioMLP expects {self.in_features} audio '
                             f'values per frame, got {flat.shape[1]} (input '
                             f'shape {tuple(audio.shape)})')
        return self.mlp(flat)
