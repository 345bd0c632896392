# Copyright (c) mmavs contributors. All rights reserved.
"""Cosine similarity of positive and negative audio-visual pairs of a
robust-trained model (AVSBench-Robust Fig. 4).

    python tools/analysis_tools/similarity_hist.py CONFIG CHECKPOINT \
        [CHECKPOINT ...] [--labels ...] [--init] [--out sim.png]

For every test clip under the four AVSBench-Robust conditions (its own
audio = positive pair; silence, noise, off-screen audio = negative pairs)
the model's classifier-guided similarity ``cos(W a, pool(v))``
(:class:`~mmavs.models.AVSimilarityLoss`, which the config must have) is
computed per frame and the positive and negative distributions are
plotted, one panel per checkpoint; ``--init`` adds a panel for the
config's initial weights (before training).
"""
import argparse
import os.path as osp

import numpy as np
import torch
from mmengine.config import DictAction


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='config of a robust-trained model')
    parser.add_argument('checkpoints', nargs='+', help='checkpoint(s)')
    parser.add_argument('--labels', nargs='+', help='panel title per '
                        'checkpoint (default: file names)')
    parser.add_argument(
        '--init',
        action='store_true',
        help="add a panel for the config's initial weights (init_cfg)")
    parser.add_argument('--data-root', help='dataset root (default: config)')
    parser.add_argument('--out', default='similarity_hist.png')
    parser.add_argument(
        '--max-clips', type=int, default=None,
        help='use the first N test clips (default: all)')
    parser.add_argument('--batch-size', type=int, default=4)
    parser.add_argument('--category-groups', help='see robust_conditions.py')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args()


def similarity_loss(model):
    """The model's AVSimilarityLoss (error if it has none)."""
    from mmavs.models import AVSimilarityLoss
    for module in getattr(model, 'av_losses', []):
        if isinstance(module, AVSimilarityLoss):
            return module
    raise ValueError(
        'the model has no AVSimilarityLoss in model.av_losses; '
        'similarity_hist.py needs a robust-trained config '
        '(configs/robust/robust-*, classifier-guided similarity learning)')


def pair_similarities(model, robust, samples_idx, batch_size):
    """Positive and negative pair similarities of the given samples."""
    from mmavs.apis import run_model
    loss = similarity_loss(model)
    pos, neg = [], []
    for i in range(0, len(samples_idx), batch_size):
        packed = [robust[k] for k in samples_idx[i:i + batch_size]]
        preds, extras = run_model(model, packed, with_extras=True)
        with torch.no_grad():
            sims = loss.similarities(extras, extras['audio_feat'])
        sims = sims.cpu().numpy()
        for sim, sample in zip(sims, preds):
            if not sample.metainfo.get('valid', True):
                continue
            negative = sample.metainfo.get('negative_pair', False)
            (neg if negative else pos).append(float(sim))
    return np.asarray(pos), np.asarray(neg)


def main() -> None:
    args = parse_args()
    from mmavs.apis import init_model, robust_test_dataset
    from mmavs.visualization import save_similarity_hist
    labels = args.labels or [osp.basename(c) for c in args.checkpoints]
    if len(labels) != len(args.checkpoints):
        raise ValueError(f'{len(labels)} labels for {len(args.checkpoints)} '
                         'checkpoints')
    models = []
    if args.init:
        model = init_model(args.config, None, args.device, args.cfg_options)
        model.init_weights()
        models.append(('initial weights', model.eval()))
    models += [(label,
                init_model(args.config, ckpt, args.device, args.cfg_options))
               for label, ckpt in zip(labels, args.checkpoints)]
    for _, model in models:
        similarity_loss(model)  # refuse a model without one before any work
    robust = robust_test_dataset(models[0][1].cfg, args.data_root,
                                 args.category_groups)
    num = len(robust.dataset)
    clips = range(num) if args.max_clips is None else range(
        min(num, args.max_clips))
    samples_idx = [k for k in range(len(robust))
                   if robust.sample_plan(k)[0] in set(clips)]
    panels = []
    for label, model in models:
        pos, neg = pair_similarities(model, robust, samples_idx,
                                     args.batch_size)
        print(f'{label}: positive pairs {len(pos)} frames, mean cosine '
              f'{pos.mean():.3f}; negative pairs {len(neg)} frames, mean '
              f'{neg.mean():.3f}')
        panels.append((label, pos, neg))
    save_similarity_hist(panels, args.out)
    print(f'written {args.out}')


if __name__ == '__main__':
    main()
