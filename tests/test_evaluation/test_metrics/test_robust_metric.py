# Copyright (c) mmavs contributors. All rights reserved.
"""RobustAVSMetric: per-condition AVSBench scores, FPR and global scores."""
import logging

import pytest
import torch
from mmengine.logging import MMLogger

from mmavs.evaluation.functional import harmonic_global
from mmavs.evaluation.metrics import AVSMetric, RobustAVSMetric
from mmavs.registry import METRICS

T, H, W = 3, 8, 8
CONDITIONS = ['positive', 'silence', 'noise', 'offscreen', 'unseen']


def make_dataset(clips_per_condition=3, seed=0):
    """Clips interleaved over conditions; negatives share the positive
    clips' frames and masks (the visual object's mask), but the logits
    differ.

    Args:
        clips_per_condition (int | dict): Clips of every condition, or per
            condition (conditions left out get none).
        seed (int): Random seed.
    """
    if isinstance(clips_per_condition, int):
        clips_per_condition = {c: clips_per_condition for c in CONDITIONS}
    num_clips = max(clips_per_condition.values())
    g = torch.Generator().manual_seed(seed)
    masks = (torch.rand(num_clips, T, H, W, generator=g) > 0.6).long()
    samples = []
    for v in range(num_clips):
        for k, cond in enumerate(CONDITIONS):
            scale = 4.0 if cond == 'positive' else 1.0
            logits = torch.randn(T, H, W, generator=g) * scale - k * 0.3
            if v >= clips_per_condition.get(cond, 0):
                continue
            for t in range(T):
                samples.append(
                    dict(
                        seg_logits=dict(data=logits[t][None]),
                        gt_sem_seg=dict(data=masks[v, t][None]),
                        clip_id=f'v{v}',
                        frame_idx=t,
                        num_frames=T,
                        category='dog',
                        audio_condition=cond,
                        img_path=f'v{v}/{t}.png'))
    return samples


def run(metric, samples, batch_clips=2):
    step = batch_clips * T
    for start in range(0, len(samples), step):
        metric.process(None, samples[start:start + step])
    return metric.evaluate(len(samples) // T)


def of_condition(samples, cond):
    return [s for s in samples if s['audio_condition'] == cond]


@pytest.mark.parametrize('mode', ['frame', 'avsbench', 'dataset'])
def test_per_condition_equals_separate_runs(mode):
    samples = make_dataset()
    out = run(METRICS.build(dict(type='RobustAVSMetric', mode=mode)), samples)
    for cond in CONDITIONS:
        # the official robust test runs each condition on its own
        sep = run(AVSMetric(mode=mode), of_condition(samples, cond))
        assert out[f'{cond}/mIoU@{mode}'] == pytest.approx(
            sep[f'J@{mode}'], abs=1e-12)
        assert out[f'{cond}/F@{mode}'] == pytest.approx(
            sep[f'F@{mode}'], abs=1e-12)


def _fpr(frame):
    """Eq. 1: the fraction of pixels predicted foreground."""
    logits = frame['seg_logits']['data']
    return (torch.sigmoid(logits) > 0.5).double().mean().item()


#: Unequal numbers of clips (frames) per condition.
UNEQUAL = dict(positive=3, silence=1, noise=4, offscreen=2, unseen=3)


@pytest.mark.parametrize('mode', ['frame', 'dataset'])
def test_fpr_and_global_metrics(mode):
    samples = make_dataset(UNEQUAL)
    out = run(RobustAVSMetric(mode=mode), samples)
    fpr = {}
    for cond in CONDITIONS:
        frames = of_condition(samples, cond)
        assert len(frames) == UNEQUAL[cond] * T
        fpr[cond] = sum(_fpr(s) for s in frames) / len(frames)
        assert out[f'{cond}/FPR@{mode}'] == pytest.approx(fpr[cond])
    negatives = ['silence', 'noise', 'offscreen']
    assert out[f'G-mIoU@{mode}'] == pytest.approx(
        harmonic_global(out[f'positive/mIoU@{mode}'],
                        [out[f'{c}/mIoU@{mode}'] for c in negatives]))
    assert out[f'G-F@{mode}'] == pytest.approx(
        harmonic_global(out[f'positive/F@{mode}'],
                        [out[f'{c}/F@{mode}'] for c in negatives]))
    # Eq. 4: G-FPR is the mean FPR over all negative samples (frames), not
    # the mean of the per-condition FPRs; the two differ here
    every = run(RobustAVSMetric(mode=mode, global_negatives=None), samples)
    for conds, got in ((negatives, out), (negatives + ['unseen'], every)):
        frames = [s for s in samples if s['audio_condition'] in conds]
        pooled = sum(_fpr(s) for s in frames) / len(frames)
        averaged = sum(fpr[c] for c in conds) / len(conds)
        assert abs(pooled - averaged) > 0.01
        assert got[f'G-FPR@{mode}'] == pytest.approx(pooled, abs=1e-12)
    # 'unseen' is reported but not part of the global metrics by default
    assert f'unseen/mIoU@{mode}' in out


def test_table_and_missing_conditions():
    samples = [
        s for s in make_dataset()
        if s['audio_condition'] in ('positive', 'silence')
    ]
    logger = MMLogger.get_current_instance()
    handler = _Collect()
    logger.addHandler(handler)
    try:
        out = run(RobustAVSMetric(), samples)
    finally:
        logger.removeHandler(handler)
    text = '\n'.join(handler.messages)
    assert 'positive mIoU' in text and 'silence FPR' in text
    assert 'G-mIoU' in text
    assert "['noise', 'offscreen'] are absent" in text
    assert out['G-mIoU@frame'] == pytest.approx(
        harmonic_global(out['positive/mIoU@frame'],
                        [out['silence/mIoU@frame']]))
    only_pos = [s for s in samples if s['audio_condition'] == 'positive']
    out = run(RobustAVSMetric(), only_pos)
    assert not any(k.startswith('G-') for k in out)


def test_audio_condition_required():
    samples = make_dataset(1)[:T]
    for s in samples:
        s.pop('audio_condition')
    with pytest.raises(KeyError, match="clip_id='v0'.*audio_condition"):
        RobustAVSMetric().process(None, samples)
    samples = make_dataset(1)[:T]
    samples[1]['audio_condition'] = 'noise'
    with pytest.raises(ValueError, match='differs'):
        RobustAVSMetric().process(None, samples)
    with pytest.raises(ValueError, match="'positive' cannot be both"):
        RobustAVSMetric(global_negatives=('positive', ))


class _Collect(logging.Handler):
    """Collects the messages logged while it is attached."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())
