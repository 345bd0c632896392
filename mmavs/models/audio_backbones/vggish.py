# Copyright (c) mmavs contributors. All rights reserved.
from mmengine.model import BaseModule
from torch import Tensor, nn

from mmavs.registry import MODELS

# conv widths of the four VGG blocks; 'M' is a 2x2 max pooling
_VGGISH_LAYOUT = (64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M')


@MODELS.register_module()
class VGGish(BaseModule):
    """The AudioSet VGGish embedding network (Hershey et al., ICASSP 2017).

    Four VGG blocks (64, 128, 256x2, 512x2 3x3 convs with ReLU, each block
    ending in a 2x2 max pooling) map a log-mel example [N, 1, 96, 64] to
    [N, 512, 6, 4]; the map is flattened in (H, W, C) order, as the
    TensorFlow release (and harritaylor/torchvggish, which transposes to
    NHWC before flattening) does, then a 12288-4096-4096-128 MLP with a ReLU
    after every layer, *including the last one*, gives the 128-D
    embedding. No PCA/quantisation post-processing (the AVSBench setting).

    Module names equal those of torchvggish (``features.{0,3,6,8,11,13}``,
    ``embeddings.{0,2,4}``), so ``vggish-10086976.pth`` loads after
    ``tools/model_converters/vggish2mmavs.py`` (which drops the PCA
    parameters and wraps the weights as an mmengine checkpoint).

    Args:
        frozen (bool): Keep the network frozen (no grad, eval mode), as the
            official AVSBench training does. Defaults to True.
        out_relu (bool): Apply the ReLU after the last layer (the release
            does). Defaults to True.
        init_cfg (dict, optional): e.g. ``dict(type='Pretrained',
            checkpoint='pretrain/vggish_mmavs.pth')``.
    """

    def __init__(self,
                 frozen: bool = True,
                 out_relu: bool = True,
                 init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        layers = []
        in_channels = 1
        for v in _VGGISH_LAYOUT:
            if v == 'M':
                layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            else:
                layers.append(nn.Conv2d(in_channels, v, 3, padding=1))
                layers.append(nn.ReLU(inplace=True))
                in_channels = v
        self.features = nn.Sequential(*layers)
        head = [
            nn.Linear(512 * 6 * 4, 4096),
            nn.ReLU(inplace=True),
            nn.Linear(4096, 4096),
            nn.ReLU(inplace=True),
            nn.Linear(4096, 128),
        ]
        if out_relu:
            head.append(nn.ReLU(inplace=True))
        self.embeddings = nn.Sequential(*head)
        self.frozen = frozen
        if frozen:
            self.requires_grad_(False)
            self.eval()

    def train(self, mode: bool = True) -> 'VGGish':
        """Set the mode; a frozen network stays in eval mode."""
        return super().train(mode and not self.frozen)

    def forward(self, x: Tensor) -> Tensor:
        """Embed log-mel examples.

        Args:
            x (Tensor): [N, K, 96, 64] log-mel examples, K examples (0.96 s
                each) per frame: K = 1 for AVSBench (one second per frame),
                K = 3 for a VPO item (3 s of audio for its single frame).
                The K embeddings of a frame are averaged (mmavs's choice for
                K > 1; K = 1 is the plain VGGish).

        Returns:
            Tensor: [N, 128] embeddings.
        """
        if x.dim() != 4 or tuple(x.shape[2:]) != (96, 64) or x.shape[1] < 1:
            raise ValueError('VGGish expects log-mel examples [N, K, 96, 64]'
                             f', got {tuple(x.shape)}')
        num, examples = x.shape[:2]
        x = self.features(x.reshape(num * examples, 1, 96, 64))
        x = x.permute(0, 2, 3, 1).flatten(1)  # (H, W, C) order
        return self.embeddings(x).view(num, examples, -1).mean(1)
