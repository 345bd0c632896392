# Copyright (c) mmavs contributors. All rights reserved.
"""Convert official AVSegFormer (vvvb-github/AVSegFormer) checkpoints to mmavs.

The released checkpoints (``torch.save(model.module.state_dict())`` of
scripts/{s4,ms3,avss}/train.py, PVT-v2-B5 or ResNet-50) load into the
configs of ``configs/avsegformer`` (``load_from`` or ``tools/test.py``).
The robust variant of AVSBench-Robust (``AVSegFormer_robust``) adds
``cosine_sim.audio_proj``, which becomes the ``audio_proj`` of the
``AVSimilarityLoss`` (``av_losses.1`` in ``configs/robust``;
``--similarity-index``).

==============================================  ==============================
official                                        mmavs
==============================================  ==============================
``backbone.*`` (PVT-v2)                         ``backbone.timm_model.*``
``backbone.{conv1,bn1,layer1,layer2}`` (R50)    ``backbone.*`` (mmseg ResNet)
``backbone.layer3_1`` / ``layer4_1``            ``backbone.layer3`` / ``4``
``backbone.layer3_2`` / ``layer4_2``            dropped (unused branch)
``vggish.{features,embeddings}.*``              ``audio_backbone.*``
``audio_proj``                                  ``neck.audio_proj``
``head.query_generator.query``                  ``neck.query_generator.``
                                                ``query_embed``
``head.learnable_query``                        ``neck.query_generator.``
                                                ``learnable_query``
``head.query_generator.layers.{i}.*``           ``neck.query_generator.``
                                                ``layers.{i}.*`` (a)
``head.level_embed``                            ``neck.level_embed``
``head.in_proj.{i}.{0,1}``                      ``neck.in_proj.{i}.{conv,gn}``
``head.lateral_conv`` / ``out_conv.{0,1}``      ``neck.lateral_conv`` /
                                                ``out_conv.{conv,gn}``
``head.transformer.encoder.layers.{i}.*``       ``neck.encoder.layers.{i}.*``
                                                (a)
``head.fusion_block.*``                         ``neck.mixer.*``
``head.transformer.decoder.layers.{i}.*``       ``decode_head.decoder.{i}.*``
                                                (a)
``head.mlp.layers.{0,1}`` / ``2``               ``decode_head.mlp.{0,1}.conv``
                                                / ``mlp.2``
``head.fc.{0,2,4}``                             ``decode_head.{fc_conv1,``
                                                ``fc_conv2.conv,conv_seg}``
``head.attn_fc.*``, ``head.fpn.*``              dropped (built, never used)
``vggish.pproc.*`` (PCA)                        dropped
==============================================  ==============================

(a) inside a layer: ``self_attn`` -> ``attentions.0`` (``.attn`` for
nn.MultiheadAttention, none for the deformable attention), ``cross_attn`` ->
``attentions.1.attn``, ``linear1``/``ffn.0`` -> ``ffns.0.layers.0.0``,
``linear2``/``ffn.2`` -> ``ffns.0.layers.1``, ``norm{k}`` -> ``norms.{k-1}``.

PVT-v2 names follow ``avsbench2mmavs.py`` (official whai362/PVT names ->
timm ``pvt_v2_b5``).

Usage::

    python tools/model_converters/avsegformer2mmavs.py S4_pvt_best.pth out.pth
"""
import argparse
import os.path as osp
import re
import sys
from collections import OrderedDict
from typing import Callable, Dict, List, Optional, Tuple, Union

import torch

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))
from avsbench2mmavs import convert_pvt_key  # noqa: E402

Repl = Optional[Union[str, Callable]]

# inside a transformer layer (query generator, encoder, decoder)
_LAYER_RULES: List[Tuple[re.Pattern, str]] = [
    (re.compile(r'^self_attn\.(sampling_offsets|attention_weights|'
                r'value_proj|output_proj)\.'), r'attentions.0.\1.'),
    (re.compile(r'^self_attn\.'), 'attentions.0.attn.'),
    (re.compile(r'^cross_attn\.'), 'attentions.1.attn.'),
    (re.compile(r'^(linear1|ffn\.0)\.'), 'ffns.0.layers.0.0.'),
    (re.compile(r'^(linear2|ffn\.2)\.'), 'ffns.0.layers.1.'),
    (re.compile(r'^norm([1-3])\.'),
     lambda m: f'norms.{int(m.group(1)) - 1}.'),
]


def _convert_layer(rest: str) -> str:
    for pattern, repl in _LAYER_RULES:
        new, n = pattern.subn(repl, rest, count=1)
        if n:
            return new
    raise KeyError(rest)


def _layer_rule(prefix: str) -> Callable[[re.Match], str]:
    return lambda m: f'{prefix}.{m.group(1)}.' + _convert_layer(m.group(2))


_RULES: List[Tuple[re.Pattern, Repl]] = [
    (re.compile(r'^backbone\.layer([34])_2\.'), None),
    (re.compile(r'^backbone\.layer([34])_1\.'),
     lambda m: f'backbone.layer{m.group(1)}.'),
    (re.compile(r'^backbone\.(conv1|bn1|layer1|layer2)\.'),
     lambda m: f'backbone.{m.group(1)}.'),
    (re.compile(r'^backbone\.(.*)$'),
     lambda m: 'backbone.timm_model.' + convert_pvt_key(m.group(1))),
    (re.compile(r'^vggish\.pproc\.'), None),
    (re.compile(r'^vggish\.((features|embeddings)\..*)$'),
     lambda m: 'audio_backbone.' + m.group(1)),
    (re.compile(r'^audio_proj\.'), 'neck.audio_proj.'),
    (re.compile(r'^head\.query_generator\.query\.'),
     'neck.query_generator.query_embed.'),
    (re.compile(r'^head\.learnable_query\.'),
     'neck.query_generator.learnable_query.'),
    (re.compile(r'^head\.query_generator\.layers\.(\d+)\.(.*)$'),
     _layer_rule('neck.query_generator.layers')),
    (re.compile(r'^head\.level_embed$'), 'neck.level_embed'),
    (re.compile(r'^head\.(in_proj\.\d+|lateral_conv|out_conv)\.0\.'),
     lambda m: f'neck.{m.group(1)}.conv.'),
    (re.compile(r'^head\.(in_proj\.\d+|lateral_conv|out_conv)\.1\.'),
     lambda m: f'neck.{m.group(1)}.gn.'),
    (re.compile(r'^head\.transformer\.encoder\.layers\.(\d+)\.(.*)$'),
     _layer_rule('neck.encoder.layers')),
    (re.compile(r'^head\.fusion_block\.'), 'neck.mixer.'),
    (re.compile(r'^head\.transformer\.decoder\.layers\.(\d+)\.(.*)$'),
     _layer_rule('decode_head.decoder')),
    (re.compile(r'^head\.mlp\.layers\.([01])\.'),
     lambda m: f'decode_head.mlp.{m.group(1)}.conv.'),
    (re.compile(r'^head\.mlp\.layers\.2\.'), 'decode_head.mlp.2.'),
    (re.compile(r'^head\.fc\.0\.'), 'decode_head.fc_conv1.'),
    (re.compile(r'^head\.fc\.2\.'), 'decode_head.fc_conv2.conv.'),
    (re.compile(r'^head\.fc\.4\.'), 'decode_head.conv_seg.'),
    (re.compile(r'^head\.(attn_fc|fpn)\.'), None),
]


def convert_key(key: str, similarity_index: int = 1) -> Optional[str]:
    """Official AVSegFormer key -> mmavs key (None: dropped).

    Args:
        key (str): Official key (``module.`` prefix accepted).
        similarity_index (int): Index of ``AVSimilarityLoss`` in the
            config's ``av_losses`` (robust checkpoints).

    Returns:
        str | None: The mmavs key, or None for a weight without a
        counterpart (listed in the module docstring).

    Raises:
        KeyError: A key of no known official module.
    """
    if key.startswith('module.'):
        key = key[len('module.'):]
    if key.startswith('cosine_sim.audio_proj.'):
        return f'av_losses.{similarity_index}.audio_proj.' + key[len(
            'cosine_sim.audio_proj.'):]
    for pattern, repl in _RULES:
        if pattern.match(key):
            if repl is None:
                return None
            try:
                return pattern.sub(repl, key, count=1)
            except KeyError as err:
                raise KeyError(f'unknown AVSegFormer key {key!r}') from err
    raise KeyError(f'unknown AVSegFormer key {key!r}')


def convert_avsegformer(state_dict: Dict[str, torch.Tensor],
                        similarity_index: int = 1) -> Dict[str, torch.Tensor]:
    """Official AVSegFormer state dict -> mmavs state dict.

    Args:
        state_dict (dict): Official weights.
        similarity_index (int): See :func:`convert_key`.

    Returns:
        dict: mmavs keys -> tensors.
    """
    out = OrderedDict()
    unknown = []
    for key, value in state_dict.items():
        try:
            new = convert_key(key, similarity_index)
        except KeyError:
            unknown.append(key)
            continue
        if new is not None:
            if new in out:
                raise KeyError(f'two AVSegFormer keys map to {new!r}')
            out[new] = value
    if unknown:
        raise KeyError(f'{len(unknown)} keys of the AVSegFormer checkpoint '
                       f'have no mmavs counterpart: {unknown[:10]}')
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description='Convert official AVSegFormer weights to mmavs')
    parser.add_argument('src', help='official checkpoint (.pth)')
    parser.add_argument('dst', help='output mmavs checkpoint')
    parser.add_argument(
        '--similarity-index',
        type=int,
        default=1,
        help='index of AVSimilarityLoss in av_losses (robust checkpoints; '
        'the robust AVSegFormer configs have [MixLoss, AVSimilarityLoss])')
    args = parser.parse_args()
    state_dict = torch.load(args.src, map_location='cpu', weights_only=True)
    if isinstance(state_dict, dict) and 'state_dict' in state_dict:
        state_dict = state_dict['state_dict']
    out = convert_avsegformer(state_dict, args.similarity_index)
    torch.save(
        dict(
            state_dict=out,
            meta=dict(source=args.src, converter='avsegformer')), args.dst)
    print(f'saved {len(out)} tensors to {args.dst}')


if __name__ == '__main__':
    main()
