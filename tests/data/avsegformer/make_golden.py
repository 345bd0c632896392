# Copyright (c) mmavs contributors. All rights reserved.
"""Make the AVSegFormer parity files from an official checkout.

Runs the official model (vvvb-github/AVSegFormer, a local clone given as
the first argument; nothing is fetched) on CPU: its compiled
``MultiScaleDeformableAttention`` extension is replaced by a stub that
raises, so the official ``MSDeformAttn`` takes its own pure-PyTorch
``ms_deform_attn_core_pytorch`` branch.

Modes::

    # key lists (official_keys_{pvt2,res50}.txt here): name, shape, dtype
    python tests/data/avsegformer/make_golden.py OFFICIAL keys
    # golden_res50_s4.pt: official logits of the ResNet-50 S4 model with
    # the deterministic weights of mmavs.testing.deterministic_state_dict
    # (all keys of official_keys_res50.txt except vggish.*), on the
    # deterministic inputs of golden_inputs() below; the VGGish embeddings
    # are given (the official forward minus its VGGish call)
    python tests/data/avsegformer/make_golden.py OFFICIAL golden
    # parity: random official weights (the official initialisation, seed
    # 0) -> state dict -> avsegformer2mmavs.py -> the mmavs config; prints
    # the max abs difference of the logits in eval mode
    python tests/data/avsegformer/make_golden.py OFFICIAL parity \
        --backbone pvt2 --task s4 --size 224

Run from the repository root with the project's environment
(``PYTHONPATH=. .venv/bin/python ...``). Official commit used for the
committed files: 7083cb6 ("update checkpoint").
"""
import argparse
import importlib.util
import os.path as osp
import runpy
import sys
import types

import numpy as np
import torch

HERE = osp.dirname(osp.abspath(__file__))
ROOT = osp.abspath(osp.join(HERE, '..', '..', '..'))
OFFICIAL_CONFIGS = dict(
    pvt2='config/{task}/AVSegFormer_pvt2_{task}.py',
    res50='config/{task}/AVSegFormer_res50_{task}.py')
MMAVS_CONFIGS = dict(
    pvt2='configs/avsegformer/avsegformer_pvt-v2-b5_1xb2-30e_s4-512x512.py',
    res50='configs/avsegformer/avsegformer_r50_1xb2-30e_s4-512x512.py')
GOLDEN_SIZE = 64
GOLDEN_FRAMES = 2


def golden_inputs():
    """Deterministic frames [2, 3, 64, 64] (normalised) and VGGish
    embeddings [2, 128] (non-negative, as after VGGish's last ReLU)."""
    rng = np.random.default_rng(2024)
    frames = rng.standard_normal(
        (GOLDEN_FRAMES, 3, GOLDEN_SIZE, GOLDEN_SIZE)).astype(np.float32)
    embed = rng.random((GOLDEN_FRAMES, 128), dtype=np.float32) * 2
    return torch.from_numpy(frames), torch.from_numpy(embed)


def import_official(root: str):
    """``build_model`` of the official checkout, CPU-only MSDA."""
    stub = types.ModuleType('MultiScaleDeformableAttention')

    def _unavailable(*args, **kwargs):
        raise RuntimeError('compiled MultiScaleDeformableAttention is not '
                           'available (CPU parity run)')

    stub.ms_deform_attn_forward = _unavailable
    stub.ms_deform_attn_backward = _unavailable
    sys.modules['MultiScaleDeformableAttention'] = stub
    sys.path.insert(0, root)
    # the official pvt.py registers its own pvt_v2_b5 in timm's registry;
    # keep timm's (mmavs builds it through TIMMBackbone)
    from timm.models import _registry
    timm_pvt = _registry._model_entrypoints['pvt_v2_b5']
    from model import build_model
    _registry._model_entrypoints['pvt_v2_b5'] = timm_pvt
    return build_model


def build_official(root: str, backbone: str, task: str, seed: int = 0):
    """The official model of a config, random weights, eval mode."""
    build_model = import_official(root)
    path = osp.join(root, OFFICIAL_CONFIGS[backbone].format(task=task))
    cfg = runpy.run_path(path)['model']
    cfg['backbone']['init_weights_path'] = None
    cfg['vggish']['freeze_audio_extractor'] = False  # no pretrained file
    torch.manual_seed(seed)
    return build_model(**cfg).eval()


def load_converter():
    path = osp.join(ROOT, 'tools', 'model_converters', 'avsegformer2mmavs.py')
    spec = importlib.util.spec_from_file_location('avsegformer2mmavs', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_mmavs(backbone: str, num_classes: int = 1,
                precomputed_audio: bool = False):
    """The mmavs model of the matching config, eval mode."""
    sys.path.insert(0, ROOT)
    from mmengine.config import Config

    from mmavs.registry import MODELS
    from mmavs.utils import register_all_modules
    register_all_modules()
    cfg = Config.fromfile(osp.join(ROOT, MMAVS_CONFIGS[backbone]))
    cfg.model.backbone.init_cfg = None
    cfg.model.audio_backbone.init_cfg = None
    if precomputed_audio:
        cfg.model.audio_backbone = dict(
            type='PrecomputedAudio', in_channels=128)
    if num_classes > 1:
        cfg.model.decode_head.update(
            num_classes=num_classes, out_channels=num_classes, threshold=None)
    return MODELS.build(cfg.model).eval()


def write_keys(root: str) -> None:
    sys.path.insert(0, ROOT)
    from mmavs.testing import format_key_list
    for backbone in ('pvt2', 'res50'):
        model = build_official(root, backbone, 's4')
        path = osp.join(HERE, f'official_keys_{backbone}.txt')
        with open(path, 'w') as f:
            f.write(f'# official AVSegFormer {backbone} S4 model '
                    '(make_golden.py keys)\n')
            f.write(format_key_list(model.state_dict()))
        print(f'wrote {len(model.state_dict())} keys to {path}')


def official_logits_from_embed(model, frames, embed):
    """The official ``AVSegFormer.forward`` after its VGGish call."""
    audio_feat = model.audio_proj(embed.unsqueeze(1))
    img_feat = model.extract_feat(frames)
    return model.head(img_feat, audio_feat)


def write_golden(root: str) -> None:
    sys.path.insert(0, ROOT)
    from mmavs.testing import deterministic_state_dict, read_key_list
    rows = [
        r for r in read_key_list(osp.join(HERE, 'official_keys_res50.txt'))
        if not r[0].startswith('vggish.')
    ]
    model = build_official(root, 'res50', 's4')
    missing, unexpected = model.load_state_dict(
        deterministic_state_dict(rows), strict=False)
    assert not unexpected and all(k.startswith('vggish.') for k in missing)
    frames, embed = golden_inputs()
    with torch.no_grad():
        logits, mask_feats = official_logits_from_embed(model, frames, embed)
    out = dict(
        logits=logits.clone(),
        mask_feats_mean=mask_feats.mean(1, keepdim=True).clone(),
        official_commit='7083cb6',
        model='config/s4/AVSegFormer_res50_s4.py')
    path = osp.join(HERE, 'golden_res50_s4.pt')
    torch.save(out, path)
    print(f'wrote {path}: logits {tuple(logits.shape)}, mean '
          f'{logits.mean():.4f}, std {logits.std():.4f}')


def parity(root: str, backbone: str, task: str, size: int, frames_n: int,
           seed: int) -> None:
    official = build_official(root, backbone, task, seed)
    converter = load_converter()
    converted = converter.convert_avsegformer(official.state_dict())
    num_classes = official.head.num_classes
    model = build_mmavs(backbone, num_classes)
    model.load_state_dict(converted, strict=True)
    gen = torch.Generator().manual_seed(seed)
    frames = torch.randn(frames_n, 3, size, size, generator=gen)
    audio = torch.randn(frames_n, 1, 96, 64, generator=gen)
    with torch.no_grad():
        if official.vggish.preprocess:
            # AVSS: the official VGGish reads wav files itself; run its
            # network on the log-mel examples and the rest of the forward
            from model.vggish.vggish import VGG
            embed = VGG.forward(official.vggish, audio)
            ref, ref_mask = official_logits_from_embed(
                official, frames, embed)
        else:
            ref, ref_mask = official(audio, frames)
        inputs = dict(
            frames=frames,
            audio=audio.view(1, frames_n, 1, 96, 64),
            num_frames=frames_n)
        got = model(inputs, mode='tensor')
        feats, audio_feat = model.extract_feat(inputs)
        _, extras = model.neck(feats, audio_feat, frames_n)
    diff = (got - ref).abs().max().item()
    diff_mask = (extras['mask_feats'] - ref_mask).abs().max().item()
    print(f'{backbone} {task} {size}x{size} x{frames_n} frames: logits '
          f'{tuple(got.shape)} max|ref| {ref.abs().max():.4f} max abs diff '
          f'{diff:.3e}; mixed mask features max abs diff {diff_mask:.3e}')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('official', help='official AVSegFormer checkout')
    parser.add_argument('mode', choices=('keys', 'golden', 'parity'))
    parser.add_argument('--backbone', choices=('pvt2', 'res50'),
                        default='pvt2')
    parser.add_argument('--task', choices=('s4', 'ms3', 'avss'), default='s4')
    parser.add_argument('--size', type=int, default=224)
    parser.add_argument('--frames', type=int, default=2)
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()
    if args.mode == 'keys':
        write_keys(args.official)
    elif args.mode == 'golden':
        write_golden(args.official)
    else:
        parity(args.official, args.backbone, args.task, args.size,
               args.frames, args.seed)


if __name__ == '__main__':
    main()
