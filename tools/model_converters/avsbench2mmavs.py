# Copyright (c) mmavs contributors. All rights reserved.
"""Convert official AVSBench (OpenNLPLab/AVSBench) checkpoints to mmavs.

A trained ``Pred_endecoder`` (``torch.save(model.module.state_dict())`` of
avs_scripts/{avs_s4,avs_ms3,avss}/train.py, ResNet-50 or PVT-v2-B5) maps to
the TPAVI configs (``configs/tpavi``):

=====================================  =======================================
official                               mmavs
=====================================  =======================================
``resnet.{conv1,bn1,layer1,layer2}``   ``backbone.{...}`` (mmseg ResNet)
``resnet.layer3_1`` / ``layer4_1``     ``backbone.layer3`` / ``layer4``
``resnet.layer3_2`` / ``layer4_2``     dropped (an unused second branch)
``encoder_backbone.*`` (PVT-v2)        ``backbone.timm_model.*`` (timm names)
``conv{k}.conv2d_list.{j}``            ``neck.aspp.{k-1}.conv2d_list.{j}``
``tpavi_b{k}.*``                       ``neck.tpavi.{k-1}.*``
``path{k}.resConfUnit{j}.conv{m}``     ``decode_head.paths.{k-1}.``
                                       ``res_conv_unit{j}.conv{m}``
``output_conv.{0,2,4}``                ``decode_head.{out_conv1,out_conv2,``
                                       ``conv_seg}``
``audio_backbone.*`` (VGGish, if any)  ``audio_backbone.*`` (PCA dropped)
=====================================  =======================================

S4 and MS3 checkpoints go to the S4/MS3 configs; AVSS ones to the AVSS
configs, whose TPAVI audio projection has no bias (``align_bias=False``) as
in the official AVSS code. ``official_parity.py`` (next to this file)
measures a converted random-weight official model against the official
code (``docs/en/model_zoo.md``).

PVT-v2 names (official whai362/PVT ``pvt_v2.py``) -> timm ``pvt_v2_b5``
(``features_only``): ``patch_embed1`` -> ``patch_embed``,
``patch_embed{k}`` -> ``stages_{k-1}.downsample``, ``block{k}.{j}`` ->
``stages_{k-1}.blocks.{j}`` (``mlp.dwconv.dwconv`` -> ``mlp.dwconv``),
``norm{k}`` -> ``stages_{k-1}.norm``. ``--pvt-imagenet`` converts the
ImageNet ``pvt_v2_b5.pth`` alone (``head.*`` dropped) for
``backbone.init_cfg`` of the TIMMBackbone (keys ``timm_model.*``).

Usage::

    python tools/model_converters/avsbench2mmavs.py S4_pvt_best.pth out.pth
    python tools/model_converters/avsbench2mmavs.py --pvt-imagenet \\
        pvt_v2_b5.pth pretrain/pvt_v2_b5_timm.pth
"""
import argparse
import re
from collections import OrderedDict
from typing import Dict, Optional

import torch

_PVT_RULES = [
    (re.compile(r'^patch_embed1\.'), 'patch_embed.'),
    (re.compile(r'^patch_embed([2-4])\.'),
     lambda m: f'stages_{int(m.group(1)) - 1}.downsample.'),
    (re.compile(r'^block([1-4])\.(\d+)\.mlp\.dwconv\.dwconv\.'),
     lambda m: f'stages_{int(m.group(1)) - 1}.blocks.{m.group(2)}.'
     'mlp.dwconv.'),
    (re.compile(r'^block([1-4])\.(\d+)\.'),
     lambda m: f'stages_{int(m.group(1)) - 1}.blocks.{m.group(2)}.'),
    (re.compile(r'^norm([1-4])\.'),
     lambda m: f'stages_{int(m.group(1)) - 1}.norm.'),
]


def convert_pvt_key(key: str) -> Optional[str]:
    """Official PVT-v2 key -> timm ``features_only`` key.

    Returns:
        str | None: The timm key, or None for the classification head.
    """
    if key.startswith('head.'):
        return None
    for pattern, repl in _PVT_RULES:
        new, n = pattern.subn(repl, key, count=1)
        if n:
            return new
    raise KeyError(f'unknown PVT-v2 key {key!r}')


def convert_pvt_imagenet(
        state_dict: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    """ImageNet PVT-v2 weights -> TIMMBackbone keys (``timm_model.*``)."""
    out = OrderedDict()
    for key, value in state_dict.items():
        new = convert_pvt_key(key)
        if new is not None:
            out['timm_model.' + new] = value
    return out


_RULES = [
    (re.compile(r'^resnet\.layer([34])_2\.'), None),
    (re.compile(r'^resnet\.layer([34])_1\.'),
     lambda m: f'backbone.layer{m.group(1)}.'),
    (re.compile(r'^resnet\.'), 'backbone.'),
    (re.compile(r'^conv([1-4])\.conv2d_list\.'),
     lambda m: f'neck.aspp.{int(m.group(1)) - 1}.conv2d_list.'),
    (re.compile(r'^tpavi_b([1-4])\.'),
     lambda m: f'neck.tpavi.{int(m.group(1)) - 1}.'),
    (re.compile(r'^path([1-4])\.resConfUnit([12])\.'),
     lambda m: f'decode_head.paths.{int(m.group(1)) - 1}.'
     f'res_conv_unit{m.group(2)}.'),
    (re.compile(r'^output_conv\.0\.'), 'decode_head.out_conv1.'),
    (re.compile(r'^output_conv\.2\.'), 'decode_head.out_conv2.'),
    (re.compile(r'^output_conv\.4\.'), 'decode_head.conv_seg.'),
    (re.compile(r'^audio_backbone\.(pproc\.)?pca_'), None),
    (re.compile(r'^audio_backbone\.'), 'audio_backbone.'),
]


def convert_avsbench(
        state_dict: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    """Official ``Pred_endecoder`` state dict -> mmavs TPAVI state dict.

    Args:
        state_dict (dict): Official weights (``module.`` prefix accepted).

    Returns:
        dict: mmavs keys -> tensors.
    """
    out = OrderedDict()
    unknown = []
    for key, value in state_dict.items():
        if key.startswith('module.'):
            key = key[len('module.'):]
        if key.startswith('encoder_backbone.'):
            new = convert_pvt_key(key[len('encoder_backbone.'):])
            if new is not None:
                out['backbone.timm_model.' + new] = value
            continue
        for pattern, repl in _RULES:
            if pattern.match(key):
                if repl is not None:
                    out[pattern.sub(repl, key, count=1)] = value
                break
        else:
            unknown.append(key)
    if unknown:
        raise KeyError(f'{len(unknown)} keys of the AVSBench checkpoint have '
                       f'no mmavs counterpart: {unknown[:10]}')
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description='Convert official AVSBench weights to mmavs')
    parser.add_argument('src', help='official checkpoint (.pth)')
    parser.add_argument('dst', help='output mmavs checkpoint')
    parser.add_argument(
        '--pvt-imagenet',
        action='store_true',
        help='src is the ImageNet pvt_v2_b5.pth (backbone init weights)')
    args = parser.parse_args()
    state_dict = torch.load(args.src, map_location='cpu', weights_only=True)
    if isinstance(state_dict, dict) and 'state_dict' in state_dict:
        state_dict = state_dict['state_dict']
    if isinstance(state_dict, dict) and 'model' in state_dict:
        state_dict = state_dict['model']
    if args.pvt_imagenet:
        out = convert_pvt_imagenet(state_dict)
    else:
        out = convert_avsbench(state_dict)
    torch.save(
        dict(state_dict=out, meta=dict(source=args.src, converter='avsbench')),
        args.dst)
    print(f'saved {len(out)} tensors to {args.dst}')


if __name__ == '__main__':
    main()
