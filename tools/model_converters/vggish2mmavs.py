# Copyright (c) mmavs contributors. All rights reserved.
"""Convert the public PyTorch VGGish weights to an mmavs checkpoint.

Input: harritaylor/torchvggish ``vggish-10086976.pth`` (a plain state dict
with ``features.{0,3,6,8,11,13}.*`` and ``embeddings.{0,2,4}.*``; optional
PCA parameters ``pca_eigen_vectors`` / ``pca_means`` are dropped: mmavs's
:class:`VGGish` does no PCA). The output is an mmengine checkpoint
``{'state_dict': ..., 'meta': ...}`` for
``audio_backbone.init_cfg=dict(type='Pretrained', checkpoint=OUT)``, or with
``--prefix audio_backbone.`` for a whole-model ``load_from``.

Usage::

    python tools/model_converters/vggish2mmavs.py \\
        pretrain/vggish-10086976.pth pretrain/vggish_mmavs.pth
"""
import argparse
from collections import OrderedDict
from typing import Dict

import torch

# (name, shape) of every parameter of the released network
VGGISH_SHAPES = OrderedDict([
    ('features.0.weight', (64, 1, 3, 3)),
    ('features.0.bias', (64, )),
    ('features.3.weight', (128, 64, 3, 3)),
    ('features.3.bias', (128, )),
    ('features.6.weight', (256, 128, 3, 3)),
    ('features.6.bias', (256, )),
    ('features.8.weight', (256, 256, 3, 3)),
    ('features.8.bias', (256, )),
    ('features.11.weight', (512, 256, 3, 3)),
    ('features.11.bias', (512, )),
    ('features.13.weight', (512, 512, 3, 3)),
    ('features.13.bias', (512, )),
    ('embeddings.0.weight', (4096, 12288)),
    ('embeddings.0.bias', (4096, )),
    ('embeddings.2.weight', (4096, 4096)),
    ('embeddings.2.bias', (4096, )),
    ('embeddings.4.weight', (128, 4096)),
    ('embeddings.4.bias', (128, )),
])
PCA_KEYS = ('pca_eigen_vectors', 'pca_means')


def convert_vggish(state_dict: Dict[str, torch.Tensor],
                   prefix: str = '') -> Dict[str, torch.Tensor]:
    """Check and rename a torchvggish state dict.

    Args:
        state_dict (dict): torchvggish weights (a ``module.`` prefix and the
            PCA parameters are accepted).
        prefix (str): Prefix of the output keys.

    Returns:
        dict: ``{prefix + name: tensor}`` for the 18 VGGish parameters.
    """
    sd = {}
    for key, value in state_dict.items():
        key = key[len('module.'):] if key.startswith('module.') else key
        key = key[len('pproc.'):] if key.startswith('pproc.') else key
        if key in PCA_KEYS:
            continue
        sd[key] = value
    missing = [k for k in VGGISH_SHAPES if k not in sd]
    unexpected = [k for k in sd if k not in VGGISH_SHAPES]
    if missing or unexpected:
        raise KeyError(f'not a torchvggish state dict: missing {missing}, '
                       f'unexpected {unexpected}')
    out = OrderedDict()
    for key, shape in VGGISH_SHAPES.items():
        if tuple(sd[key].shape) != shape:
            raise ValueError(f'{key}: expected shape {shape}, got '
                             f'{tuple(sd[key].shape)}')
        out[prefix + key] = sd[key].float().clone()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description='Convert torchvggish weights to an mmavs checkpoint')
    parser.add_argument('src', help='vggish-10086976.pth')
    parser.add_argument('dst', help='output checkpoint')
    parser.add_argument(
        '--prefix',
        default='',
        help="key prefix, e.g. 'audio_backbone.' for a whole-model file")
    args = parser.parse_args()
    state_dict = torch.load(args.src, map_location='cpu', weights_only=True)
    if isinstance(state_dict, dict) and 'state_dict' in state_dict:
        state_dict = state_dict['state_dict']
    out = convert_vggish(state_dict, args.prefix)
    torch.save(
        dict(state_dict=out, meta=dict(source=args.src, converter='vggish')),
        args.dst)
    print(f'saved {len(out)} tensors to {args.dst}')


if __name__ == '__main__':
    main()
