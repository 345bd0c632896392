# Copyright (c) mmavs contributors. All rights reserved.
"""Bounds of the SynthAVS test split: what the frames alone allow, and what
binding the audio to the frames allows.

Scores non-learned predictors on the clips of a generated SynthAVS tree
(regenerated in memory from its stamp, so they are the written clips) with
the configs' metric (``AVSMetric``, ``mode='frame'``, per case)::

    python tools/analysis_tools/synthavs_oracles.py [ROOT] [--layout ms3]
        [--split test]

Audio-blind predictors see the frames (the objects' pixels and
categories) and even the clip's case type, never the audio:

- ``visible``: every visible object;
- ``nothing``: no pixel;
- ``one``: one visible object drawn at random (of look-alike twins, one
  twin);
- ``twins``: both look-alike twins (other cases: every visible object).

``blind best`` is the best of them per case: the measured floor a model
without audio cannot beat on average in the hard cases (the sounding
object is exchangeable with the silent ones given the frames; see
:mod:`mmavs.synthavs.scene`). Audio oracles see which categories are heard
in each second:

- ``heard category``: every visible object whose category is heard;
- ``heard category + pitch``: every visible object whose category is heard
  with a pitch level equal to the object's brightness level (the binding).
"""
import argparse
import sys
from typing import Callable, Dict, List

import numpy as np
import torch

from mmavs.evaluation.metrics import AVSMetric
from mmavs.synthavs import (
    CASE_TYPES,
    HARD_CASES,
    SynthAVSGenerator,
    SynthAVSParams,
    SynthClip,
    default_synthavs_root,
    read_stamp)

Predictor = Callable[[SynthClip, np.random.Generator], np.ndarray]


def _objects_mask(clip: SynthClip, keep: np.ndarray) -> np.ndarray:
    """``(T, H, W)`` union of the objects selected by ``keep[T, N]``."""
    table = np.concatenate([np.zeros((clip.num_frames, 1), dtype=bool), keep],
                           axis=1)
    frames = np.arange(clip.num_frames)[:, None, None]
    return table[frames, clip.instances.astype(np.int64)]


def _twins(clip: SynthClip) -> List[int]:
    cats = [o.category for o in clip.objects]
    return [i for i, c in enumerate(cats) if cats.count(c) > 1]


def visible(clip, rng):
    return np.ones(clip.sounding.shape, dtype=bool)


def nothing(clip, rng):
    return np.zeros(clip.sounding.shape, dtype=bool)


def one(clip, rng):
    pool = _twins(clip) or list(range(len(clip.objects)))
    keep = np.zeros(clip.sounding.shape, dtype=bool)
    keep[:, pool[int(rng.integers(len(pool)))]] = True
    return keep


def twins(clip, rng):
    pool = _twins(clip)
    if not pool:
        return visible(clip, rng)
    keep = np.zeros(clip.sounding.shape, dtype=bool)
    keep[:, pool] = True
    return keep


def heard_category(clip, rng):
    return np.array([[o.category in heard for o in clip.objects]
                     for heard in clip.audible]).reshape(clip.sounding.shape)


def heard_category_pitch(clip, rng):
    keep = np.zeros(clip.sounding.shape, dtype=bool)
    for t, (heard, pitch) in enumerate(zip(clip.audible, clip.pitch)):
        bound = set(zip(heard, pitch))
        for i, o in enumerate(clip.objects):
            keep[t, i] = (o.category, int(o.levels[t])) in bound
    return keep


BLIND: Dict[str, Predictor] = dict(
    visible=visible, nothing=nothing, one=one, twins=twins)
AUDIO: Dict[str, Predictor] = {
    'heard category': heard_category,
    'heard category + pitch': heard_category_pitch,
}


def score(clips: List[SynthClip],
          predictor: Predictor,
          seed: int = 0) -> Dict[str, float]:
    """``AVSMetric`` (frame mode, per case) of a predictor's masks."""
    rng = np.random.default_rng(seed)
    metric = AVSMetric(
        breakdown_keys=('case', ),
        breakdown_metrics=True,
        category_table=False)
    metric.dataset_meta = {}
    for clip in clips:
        pred = _objects_mask(clip, predictor(clip, rng))
        samples = []
        for t in range(clip.num_frames):
            logits = torch.from_numpy(np.where(pred[t], 10.0, -10.0)).float()
            samples.append(
                dict(
                    seg_logits=dict(data=logits[None]),
                    gt_sem_seg=dict(
                        data=torch.from_numpy(clip.masks[t][None].astype(
                            np.int64))),
                    clip_id=clip.name,
                    case=clip.case,
                    category=''))
        metric.process({}, samples)
    return metric.compute_metrics(metric.results)


def oracle_table(root: str,
                 layout: str = 'ms3',
                 split: str = 'test') -> Dict[str, Dict[str, float]]:
    """Per predictor, the metric dict on a split of the tree at ``root``."""
    stamp = read_stamp(root)
    if stamp is None:
        raise FileNotFoundError(f'{root}: no synthavs_stamp.json (generate '
                                'it with make_synthavs.py)')
    params = SynthAVSParams(**stamp['params'])
    if layout not in params.layouts:
        raise KeyError(f'{root} holds layouts {params.layouts}, not '
                       f'{layout!r}')
    gen = SynthAVSGenerator(params)
    clips = gen.generate(layout, split, params.split_size(split))
    out = {name: score(clips, p) for name, p in {**BLIND, **AUDIO}.items()}
    cases = sorted({c.case for c in clips}, key=CASE_TYPES.index)
    best = {}
    for case in cases:
        for m in ('J', 'F'):
            key = f'case/{case}/{m}@frame'
            best[key] = max(out[name][key] for name in BLIND)
    for m in ('J', 'F'):
        best[f'{m}@frame'] = max(out[name][f'{m}@frame'] for name in BLIND)
    out['blind best'] = best
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        'root',
        nargs='?',
        default=None,
        help='SynthAVS root '
        '(default: data/synthavs of this checkout)')
    parser.add_argument('--layout', default='ms3', choices=('s4', 'ms3'))
    parser.add_argument('--split', default='test')
    args = parser.parse_args(argv)
    root = args.root or default_synthavs_root()
    table = oracle_table(root, args.layout, args.split)
    cases = [c for c in CASE_TYPES if f'case/{c}/J@frame' in table['visible']]
    head = '| predictor | J | F | ' + ' | '.join(cases) + ' |'
    print(head)
    print('|' + '---|' * (head.count('|') - 1))
    for name in list(BLIND) + ['blind best'] + list(AUDIO):
        res = table[name]
        cells = [f"{res['J@frame']:.3f}", f"{res['F@frame']:.3f}"]
        for case in cases:
            j = res[f'case/{case}/J@frame']
            # F is undefined where nothing sounds (AVSMetric reports 0)
            silent = case in ('offscreen', 'silence')
            cells.append(f'{j:.3f}' if silent else
                         f"{j:.3f} ({res[f'case/{case}/F@frame']:.3f})")
        mark = ' (hard cases: ' + ', '.join(HARD_CASES) + ')' \
            if name == 'blind best' else ''
        print(f'| {name}{mark} | ' + ' | '.join(cells) + ' |')
    return 0


if __name__ == '__main__':
    sys.exit(main())
