# Copyright (c) mmavs contributors. All rights reserved.
"""Compare converted checkpoints with the official code; write the golden
files of the parity tests.

For each official model this script

1. builds the official network from a local checkout of the official code
   (nothing is fetched; the checkout path is an argument);
2. fills it with deterministic weights: every tensor of its state dict is
   drawn from a generator seeded by the CRC-32 of its key
   (:func:`mmavs.testing.parity.seeded_state_dict`);
3. saves those weights as the official code saves its checkpoints, converts
   the file with the mmavs converter (``avsbench2mmavs.py``,
   ``vggish2mmavs.py``) or loads it directly (CLAP), loads the result into
   the mmavs model, and
4. prints the max absolute difference between the official and the mmavs
   outputs on the same seeded input.

With ``--key-dir`` it writes the official key list (``key dtype shape`` per
line); with ``--golden-dir`` the official outputs. The CI parity tests
(``tests/test_tools/test_official_parity.py``) rebuild the same weights from
the committed key lists in ``tests/data/parity`` and compare mmavs with the
committed outputs, so they need neither the network nor the official code.

The official AVSBench models load their ImageNet weights from
``../../pretrained_backbones`` when built and call ``.cuda()`` in
``forward``; this script replaces both for its own process only (random
weights, CPU). The official CLAP text tower calls
``RobertaModel.from_pretrained('roberta-base')``; it is replaced by a
randomly initialised ``RobertaModel`` with the roberta-base configuration.

Usage::

    git clone https://github.com/OpenNLPLab/AVSBench /tmp/AVSBench
    git clone https://github.com/harritaylor/torchvggish /tmp/torchvggish
    git clone https://github.com/vvvb-github/AVSegFormer /tmp/AVSegFormer

    # measurements (max |official - mmavs|); 224x224 as in the configs
    python tools/model_converters/official_parity.py avsbench /tmp/AVSBench \\
        --tasks s4 ms3 avss --size 224
    python tools/model_converters/official_parity.py vggish /tmp/torchvggish
    HF_HUB_OFFLINE=1 python tools/model_converters/official_parity.py htsat
    python tools/model_converters/official_parity.py avsegformer \
        /tmp/AVSegFormer --tasks s4 avss --size 224

    # regenerate tests/data/parity
    D=tests/data/parity
    python tools/model_converters/official_parity.py avsbench /tmp/AVSBench \\
        --tasks s4 avss --size 64 --key-dir $D
    python tools/model_converters/official_parity.py avsbench /tmp/AVSBench \\
        --tasks s4 --size 64 --golden-dir $D
    python tools/model_converters/official_parity.py vggish /tmp/torchvggish \\
        --key-dir $D --golden-dir $D
    HF_HUB_OFFLINE=1 python tools/model_converters/official_parity.py htsat \\
        --key-dir $D --golden-dir $D
"""
import argparse
import contextlib
import logging
import os
import os.path as osp
import subprocess
import sys
import tempfile
import types
from typing import Dict, Tuple

import torch
import torch.nn.functional as F

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

from mmavs.testing.parity import (
    is_clap_computed, save_clap_trainer_checkpoint, seeded_input,
    seeded_state_dict, write_key_list)

# task -> (official script folder, mmavs config pattern, frames per clip)
AVSBENCH_TASKS = {
    's4': ('avs_s4', 'tpavi_{}_1xb4-15e_s4-224x224.py', 5),
    'ms3': ('avs_ms3', 'tpavi_{}_1xb4-30e_ms3-224x224.py', 5),
    'avss': ('avss', 'tpavi_{}_1xb4-60e_avss-224x224.py', 10),
}
AVSBENCH_BACKBONES = {'r50': 'ResNet_AVSModel', 'pvt-v2-b5': 'PVT_AVSModel'}
NUM_CLASSES = {'s4': 1, 'ms3': 1, 'avss': 71}
# task -> (mmavs config pattern, frames per clip); official configs are
# config/{task}/AVSegFormer_{res50,pvt2}_{task}.py
AVSEGFORMER_TASKS = {
    's4': ('avsegformer_{}_1xb2-30e_s4-512x512.py', 5),
    'ms3': ('avsegformer_{}_1xb2-60e_ms3-512x512.py', 5),
    'avss': ('avsegformer_{}_1xb4-30e_avss-224x224.py', 10),
}
AVSEGFORMER_BACKBONES = {'r50': 'res50', 'pvt-v2-b5': 'pvt2'}
VGGISH_EXAMPLES = 4
HTSAT_SAMPLES = 24000  # 0.5 s at 48 kHz, repeat-padded to 10 s


def max_abs(a: torch.Tensor, b: torch.Tensor) -> float:
    """Max absolute difference of two same-shaped tensors."""
    if a.shape != b.shape:
        raise ValueError(f'shape mismatch: {tuple(a.shape)} vs '
                         f'{tuple(b.shape)}')
    return (a.double() - b.double()).abs().max().item()


def git_commit(path: str) -> str:
    """The commit of a checkout, or 'unknown'."""
    try:
        return subprocess.run(['git', '-C', path, 'rev-parse', 'HEAD'],
                              capture_output=True,
                              text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return 'unknown'


def run_converter(name: str, src: str, dst: str) -> Dict[str, torch.Tensor]:
    """Run ``tools/model_converters/{name}.py src dst``; its state dict."""
    tool = osp.join(REPO, 'tools', 'model_converters', f'{name}.py')
    subprocess.run([sys.executable, tool, src, dst],
                   check=True,
                   stdout=subprocess.DEVNULL)
    return torch.load(dst, map_location='cpu', weights_only=True)['state_dict']


def build_mmavs(config: str):
    """The mmavs model of ``config`` with precomputed-audio input (eval)."""
    from mmengine.config import Config

    from mmavs.registry import MODELS
    from mmavs.utils import register_all_modules
    register_all_modules()
    cfg = Config.fromfile(config)
    cfg.model.audio_backbone = dict(type='PrecomputedAudio', in_channels=128)
    return MODELS.build(cfg.model).eval()


def mmavs_tpavi_forward(model, frames: torch.Tensor, audio: torch.Tensor,
                        num_frames: int) -> Tuple[torch.Tensor, list]:
    """Logits and TPAVI stage outputs of an mmavs TPAVI model."""
    feats = list(model.backbone(frames))
    outs, extras = model.neck(feats, audio, num_frames)
    return model.decode_head(outs), extras['tpavi_visual_feats']


# ---------------------------------------------------------------- AVSBench
@contextlib.contextmanager
def official_avsbench_package(checkout: str, task: str):
    """Import ``avs_scripts/{task}/model`` as the package ``model``.

    The AVSS folder has no ``pvt.py``; the S4 one is used for it (the
    official AVSS PVT model imports ``model.pvt``). The official ``pvt.py``
    registers its ``pvt_v2_b5`` in timm's model registry, which would
    replace timm's own (used by mmavs): registration is disabled meanwhile.
    """
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', FutureWarning)
        import timm.models.registry as timm_registry
    folder = osp.join(checkout, 'avs_scripts', AVSBENCH_TASKS[task][0])
    saved = {
        k: sys.modules.pop(k)
        for k in list(sys.modules) if k == 'model' or k.startswith('model.')
    }
    pkg = types.ModuleType('model')
    pkg.__path__ = [
        osp.join(folder, 'model'),
        osp.join(checkout, 'avs_scripts', 'avs_s4', 'model')
    ]
    sys.modules['model'] = pkg
    cuda, register = torch.Tensor.cuda, timm_registry.register_model
    torch.Tensor.cuda = lambda self, *args, **kwargs: self  # CPU only
    timm_registry.register_model = lambda fn: fn
    try:
        yield pkg
    finally:
        torch.Tensor.cuda, timm_registry.register_model = cuda, register
        for k in list(sys.modules):
            if k == 'model' or k.startswith('model.'):
                del sys.modules[k]
        sys.modules.update(saved)


def build_official_avsbench(checkout: str, task: str, backbone: str):
    """Official ``Pred_endecoder`` (TPAVI at stages 0-3, audio-visual)."""
    import importlib
    module = importlib.import_module(f'model.{AVSBENCH_BACKBONES[backbone]}')
    cls = module.Pred_endecoder
    # no ImageNet weights: they are replaced by seeded ones anyway
    cls.initialize_weights = lambda self: None
    cls.initialize_pvt_weights = lambda self: None
    config = types.SimpleNamespace(NUM_CLASSES=NUM_CLASSES[task])
    with open(os.devnull, 'w') as null, contextlib.redirect_stdout(null):
        model = cls(
            channel=256,
            config=config,
            tpavi_stages=[0, 1, 2, 3],
            tpavi_vv_flag=False,
            tpavi_va_flag=True)
    return model.eval()


def avsbench_inputs(task: str, size: int) -> Tuple[torch.Tensor, ...]:
    """Seeded normalised frames [T, 3, S, S] and audio embeddings [T, 128]
    (one clip)."""
    num_frames = AVSBENCH_TASKS[task][2]
    frames = seeded_input(f'avsbench.{task}.frames.{size}',
                          (num_frames, 3, size, size))
    audio = seeded_input(f'avsbench.{task}.audio', (num_frames, 128))
    return frames, audio


def check_avsbench(args) -> None:
    commit = git_commit(args.checkout)
    for task in args.tasks:
        folder, pattern, num_frames = AVSBENCH_TASKS[task]
        for backbone in args.backbones:
            name = f'avsbench_{task}_{backbone}'
            with official_avsbench_package(args.checkout, task):
                official = build_official_avsbench(args.checkout, task,
                                                   backbone)
                specs = [(k, v.dtype, tuple(v.shape))
                         for k, v in official.state_dict().items()]
                weights = seeded_state_dict(specs)
                official.load_state_dict(weights)
                frames, audio = avsbench_inputs(task, args.size)
                extra = () if task != 'avss' else (torch.ones(num_frames), )
                with torch.no_grad():
                    ref, ref_feats, _ = official(frames, audio, *extra)
            if args.key_dir:
                path = osp.join(args.key_dir, f'{name}.keys.txt')
                write_key_list(path, official.state_dict(), [
                    f'OpenNLPLab/AVSBench {commit}',
                    f'avs_scripts/{folder}/model/'
                    f'{AVSBENCH_BACKBONES[backbone]}.py Pred_endecoder('
                    'channel=256, tpavi_stages=[0, 1, 2, 3], '
                    'tpavi_va_flag=True).state_dict()',
                    'written by tools/model_converters/official_parity.py'
                ])
                print(f'wrote {path}')
            if args.golden_dir:
                path = osp.join(args.golden_dir, f'{name}.golden.pt')
                torch.save(
                    dict(
                        logits=ref.clone(),
                        size=args.size,
                        num_frames=num_frames,
                        source=f'OpenNLPLab/AVSBench {commit}'), path)
                print(f'wrote {path}')
            with tempfile.TemporaryDirectory() as tmp:
                # train.py saves model.module.state_dict()
                src, dst = osp.join(tmp, 'official.pth'), osp.join(
                    tmp, 'mmavs.pth')
                torch.save(official.state_dict(), src)
                converted = run_converter('avsbench2mmavs', src, dst)
            del official
            config = osp.join(REPO, 'configs', 'tpavi',
                              pattern.format(backbone))
            model = build_mmavs(config)
            model.load_state_dict(converted, strict=True)
            with torch.no_grad():
                logits, feats = mmavs_tpavi_forward(model, frames, audio,
                                                    num_frames)
            # the official decoder rectifies the returned TPAVI maps in
            # place (see mmavs/models/utils/feature_fusion_block.py)
            feat_diff = max(
                max_abs(F.relu(a), b) for a, b in zip(feats, ref_feats))
            raw_diff = max(max_abs(a, b) for a, b in zip(feats, ref_feats))
            print(f'{name} {args.size}x{args.size} '
                  f'({osp.basename(config)}): max|logits diff| = '
                  f'{max_abs(logits, ref):.3g} (|official logits| <= '
                  f'{ref.abs().max().item():.3g}); returned TPAVI maps vs '
                  f'relu(mmavs) {feat_diff:.3g} (vs mmavs {raw_diff:.3g})')


# ------------------------------------------------------------- AVSegFormer
@contextlib.contextmanager
def official_avsegformer_package(checkout: str):
    """Import the official AVSegFormer packages ``model`` and ``ops``.

    Its compiled ``MultiScaleDeformableAttention`` extension is replaced by
    a module whose kernels raise, so the official ``MSDeformAttn`` falls back
    to its ``ms_deform_attn_core_pytorch``; its ``pvt.py`` does not register
    in timm's registry (mmavs builds timm's ``pvt_v2_b5``).
    """
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', FutureWarning)
        import timm.models.registry as timm_registry

    def owned(name):
        return name.split('.')[0] in ('model', 'ops',
                                      'MultiScaleDeformableAttention')

    saved = {k: sys.modules.pop(k) for k in list(sys.modules) if owned(k)}
    ext = types.ModuleType('MultiScaleDeformableAttention')

    def _no_kernel(*args, **kwargs):
        raise RuntimeError('no compiled MultiScaleDeformableAttention')

    ext.ms_deform_attn_forward = ext.ms_deform_attn_backward = _no_kernel
    sys.modules['MultiScaleDeformableAttention'] = ext
    sys.path.insert(0, checkout)
    register = timm_registry.register_model
    timm_registry.register_model = lambda fn: fn
    try:
        yield
    finally:
        timm_registry.register_model = register
        sys.path.remove(checkout)
        for k in list(sys.modules):
            if owned(k):
                del sys.modules[k]
        sys.modules.update(saved)


def build_official_avsegformer(checkout: str, task: str, backbone: str):
    """The official ``AVSegFormer`` of config/{task}/AVSegFormer_*_{task}.py
    (no pretrained files: random weights), eval mode."""
    import runpy

    from model import build_model
    name = AVSEGFORMER_BACKBONES[backbone]
    cfg = runpy.run_path(
        osp.join(checkout, 'config', task,
                 f'AVSegFormer_{name}_{task}.py'))['model']
    cfg['backbone']['init_weights_path'] = None
    cfg['vggish']['freeze_audio_extractor'] = False  # loads no file
    with open(os.devnull, 'w') as null, contextlib.redirect_stdout(null):
        return build_model(**cfg).eval()


def official_avsegformer_forward(model, frames: torch.Tensor,
                                 audio: torch.Tensor):
    """``AVSegFormer.forward`` after its VGGish call: logits and the mixed
    mask features of the official model for given audio embeddings."""
    audio_feat = model.audio_proj(audio.unsqueeze(1))
    return model.head(model.extract_feat(frames), audio_feat)


def check_avsegformer(args) -> None:
    commit = git_commit(args.checkout)
    for task in args.tasks:
        pattern, num_frames = AVSEGFORMER_TASKS[task]
        for backbone in args.backbones:
            name = f'avsegformer_{task}_{backbone}'
            frames = seeded_input(f'avsegformer.{task}.frames.{args.size}',
                                  (num_frames, 3, args.size, args.size))
            audio = seeded_input(f'avsegformer.{task}.audio',
                                 (num_frames, 128)).abs()
            with official_avsegformer_package(args.checkout):
                official = build_official_avsegformer(
                    args.checkout, task, backbone)
                # the given embeddings replace VGGish (its own parity is
                # the vggish check): its weights are not drawn
                specs = [(k, v.dtype, tuple(v.shape))
                         for k, v in official.state_dict().items()
                         if not k.startswith('vggish.')]
                missing, _ = official.load_state_dict(
                    seeded_state_dict(specs), strict=False)
                assert all(k.startswith('vggish.') for k in missing)
                with torch.no_grad():
                    ref, ref_mask = official_avsegformer_forward(
                        official, frames, audio)
            if args.key_dir:
                path = osp.join(args.key_dir, f'{name}.keys.txt')
                write_key_list(path, official.state_dict(), [
                    f'vvvb-github/AVSegFormer {commit}',
                    f'model/AVSegFormer.py AVSegFormer(**config/{task}/'
                    f'AVSegFormer_{AVSEGFORMER_BACKBONES[backbone]}_{task}'
                    '.py model).state_dict()',
                    'written by tools/model_converters/official_parity.py'
                ])
                print(f'wrote {path}')
            if args.golden_dir:
                path = osp.join(args.golden_dir, f'{name}.golden.pt')
                torch.save(
                    dict(
                        logits=ref.clone(),
                        mask_feats_mean=ref_mask.mean(1, keepdim=True),
                        size=args.size,
                        num_frames=num_frames,
                        source=f'vvvb-github/AVSegFormer {commit}'), path)
                print(f'wrote {path}')
            with tempfile.TemporaryDirectory() as tmp:
                # train.py saves model.module.state_dict()
                src, dst = osp.join(tmp, 'official.pth'), osp.join(
                    tmp, 'mmavs.pth')
                torch.save(
                    {
                        k: v
                        for k, v in official.state_dict().items()
                        if not k.startswith('vggish.')
                    }, src)
                converted = run_converter('avsegformer2mmavs', src, dst)
            del official
            config = osp.join(REPO, 'configs', 'avsegformer',
                              pattern.format(backbone))
            model = build_mmavs(config)
            model.load_state_dict(converted, strict=True)
            with torch.no_grad():
                feats = list(model.backbone(frames))
                head_inputs, extras = model.neck(feats, audio, num_frames)
                logits = model.decode_head(head_inputs)
            print(f'{name} {args.size}x{args.size} '
                  f'({osp.basename(config)}): max|logits diff| = '
                  f'{max_abs(logits, ref):.3g} (|official logits| <= '
                  f'{ref.abs().max().item():.3g}); mixed mask features '
                  f'{max_abs(extras["mask_feats"], ref_mask):.3g}')


# ------------------------------------------------------------------ VGGish
def check_vggish(args) -> None:
    from mmengine.logging import MMLogger

    from mmavs.models.audio_backbones import VGGish
    sys.path.insert(0, args.checkout)
    from torchvggish.vggish import VGG, make_layers
    official = VGG(make_layers()).eval()
    specs = [(k, v.dtype, tuple(v.shape))
             for k, v in official.state_dict().items()]
    official.load_state_dict(seeded_state_dict(specs))
    examples = seeded_input('vggish.examples', (VGGISH_EXAMPLES, 1, 96, 64))
    with torch.no_grad():
        ref = official(examples)
    commit = git_commit(args.checkout)
    if args.key_dir:
        path = osp.join(args.key_dir, 'torchvggish.keys.txt')
        write_key_list(path, official.state_dict(), [
            f'harritaylor/torchvggish {commit}',
            'torchvggish/vggish.py VGG(make_layers()).state_dict() '
            '(the layout of vggish-10086976.pth)',
            'written by tools/model_converters/official_parity.py'
        ])
        print(f'wrote {path}')
    if args.golden_dir:
        path = osp.join(args.golden_dir, 'torchvggish.golden.pt')
        torch.save(
            dict(
                embeddings=ref.clone(),
                source=f'harritaylor/torchvggish {commit}'), path)
        print(f'wrote {path}')
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = osp.join(tmp, 'vggish.pth'), osp.join(tmp, 'mmavs.pth')
        torch.save(official.state_dict(), src)
        run_converter('vggish2mmavs', src, dst)
        model = VGGish(init_cfg=dict(type='Pretrained', checkpoint=dst))
        logger = MMLogger.get_current_instance()
        level = logger.level
        logger.setLevel(logging.WARNING)  # no per-tensor init messages
        model.init_weights()
        logger.setLevel(level)
    with torch.no_grad():
        out = model.eval()(examples)
    print(f'vggish ({VGGISH_EXAMPLES} examples): max|embedding diff| = '
          f'{max_abs(out, ref):.3g} (|official| <= '
          f'{ref.abs().max().item():.3g})')


# ------------------------------------------------------------------- HTSAT
def build_official_clap():
    """laion-clap's CLAP (HTSAT-tiny audio, RoBERTa text), random weights."""
    os.environ.setdefault('HF_HUB_OFFLINE', '1')
    import transformers
    from laion_clap.clap_module import create_model
    from laion_clap.clap_module import model as clap_model

    def random_roberta(name, *args, **kwargs):
        # roberta-base's configuration, without downloading its weights
        return transformers.RobertaModel(
            transformers.RobertaConfig(
                vocab_size=50265,
                max_position_embeddings=514,
                type_vocab_size=1,
                layer_norm_eps=1e-5,
                pad_token_id=1,
                bos_token_id=0,
                eos_token_id=2))

    clap_model.RobertaModel.from_pretrained = random_roberta
    with open(os.devnull, 'w') as null, contextlib.redirect_stdout(null):
        model, model_cfg = create_model(
            'HTSAT-tiny',
            'roberta',
            precision='fp32',
            device='cpu',
            enable_fusion=False)
    return model.eval(), model_cfg


def clap_reference(model, model_cfg, waves: torch.Tensor):
    """laion-clap's own audio branch: embedding [N, 768], projection
    [N, 512] and the normalised ``get_audio_embedding`` [N, 512]."""
    from laion_clap.training.data import get_audio_features
    data = [
        get_audio_features({},
                           w,
                           480000,
                           data_truncating='rand_trunc',
                           data_filling='repeatpad',
                           audio_cfg=model_cfg['audio_cfg'],
                           require_grad=False) for w in waves
    ]
    batch = {k: torch.stack([d[k] for d in data]) for k in data[0]}
    with torch.no_grad():
        emb = model.encode_audio(batch, device='cpu')['embedding']
        return emb, model.audio_projection(emb), model.get_audio_embedding(
            data)


def check_htsat(args) -> None:
    from mmavs.models.audio_backbones import HTSAT
    torch.manual_seed(0)
    model, model_cfg = build_official_clap()
    if args.key_dir:
        path = osp.join(args.key_dir, 'clap_htsat-tiny_roberta.keys.txt')
        write_key_list(path, model.state_dict(), [
            'laion_clap 1.1.7 clap_module.create_model(\'HTSAT-tiny\', '
            '\'roberta\', enable_fusion=False).state_dict()',
            'written by tools/model_converters/official_parity.py'
        ])
        print(f'wrote {path}')
    waves = 0.1 * seeded_input('htsat.waves', (2, HTSAT_SAMPLES))
    runs = ['laion-clap init, torch.manual_seed(0)']
    if args.golden_dir:
        runs.append('seeded')
    for label in runs:
        if label == 'seeded':
            # seeded learnt weights; computed buffers (STFT / mel kernels,
            # attention masks, position indices) keep their values
            specs = [(k, v.dtype, tuple(v.shape))
                     for k, v in model.state_dict().items()
                     if not is_clap_computed(k)]
            model.load_state_dict(seeded_state_dict(specs), strict=False)
        emb, proj, normed = clap_reference(model, model_cfg, waves)
        if label == 'seeded':
            path = osp.join(args.golden_dir, 'clap_htsat-tiny.golden.pt')
            torch.save(
                dict(
                    embedding=emb.clone(),
                    projection=proj.clone(),
                    source='laion_clap 1.1.7 CLAP.encode_audio / '
                    'audio_projection'), path)
            print(f'wrote {path}')
        with tempfile.TemporaryDirectory() as tmp:
            path = osp.join(tmp, 'epoch_latest.pt')
            # the trainer saves the DDP model: keys 'module.*'
            save_clap_trainer_checkpoint(
                path, {f'module.{k}': v
                       for k, v in model.state_dict().items()},
                [f'module.{k}' for k, p in model.named_parameters()
                 if p.requires_grad])
            diffs = []
            for out_type, ref in (('embedding', emb), ('projection', proj)):
                ours = HTSAT(
                    out_type=out_type,
                    init_cfg=dict(type='Pretrained', checkpoint=path))
                ours.init_weights()
                with torch.no_grad():
                    out = ours(waves)
                diffs.append(max_abs(out, ref))
                if out_type == 'projection':
                    diffs.append(max_abs(F.normalize(out, dim=-1), normed))
        print(f'htsat ({label}; trainer-format checkpoint, 2 x '
              f'{HTSAT_SAMPLES} samples): max|diff| embedding '
              f'{diffs[0]:.3g}, projection {diffs[1]:.3g}, normalised '
              f'get_audio_embedding {diffs[2]:.3g} (|official embedding| '
              f'<= {emb.abs().max().item():.3g})')


def add_segmentor_parser(sub, name: str, help: str, repo: str, tasks: dict,
                         backbones: dict) -> None:
    """A sub-command for official segmentors: checkout, tasks, backbones,
    frame size."""
    p = sub.add_parser(name, help=help)
    p.add_argument('checkout', help=f'a checkout of {repo}')
    p.add_argument('--tasks', nargs='+', default=['s4'], choices=list(tasks))
    p.add_argument(
        '--backbones',
        nargs='+',
        default=list(backbones),
        choices=list(backbones))
    p.add_argument('--size', type=int, default=224, help='frame size')


def main() -> None:
    parser = argparse.ArgumentParser(
        description='Compare converted checkpoints with the official code')
    sub = parser.add_subparsers(dest='which', required=True)
    add_segmentor_parser(sub, 'avsbench', 'official AVSBench TPAVI models',
                         'OpenNLPLab/AVSBench', AVSBENCH_TASKS,
                         AVSBENCH_BACKBONES)
    p = sub.add_parser('vggish', help='torchvggish VGGish')
    p.add_argument('checkout', help='a checkout of harritaylor/torchvggish')
    sub.add_parser('htsat', help="laion-clap's CLAP audio branch")
    add_segmentor_parser(sub, 'avsegformer', 'official AVSegFormer models',
                         'vvvb-github/AVSegFormer', AVSEGFORMER_TASKS,
                         AVSEGFORMER_BACKBONES)
    for p in sub.choices.values():
        p.add_argument('--key-dir', help='write the official key lists here')
        p.add_argument(
            '--golden-dir', help='write the official outputs here')
    args = parser.parse_args()
    torch.set_grad_enabled(False)
    {
        'avsbench': check_avsbench,
        'vggish': check_vggish,
        'htsat': check_htsat,
        'avsegformer': check_avsegformer
    }[args.which](args)


if __name__ == '__main__':
    main()
