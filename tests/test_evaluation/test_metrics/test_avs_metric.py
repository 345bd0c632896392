# Copyright (c) mmavs contributors. All rights reserved.
"""AVSMetric against a direct re-implementation of the official AVSBench
test (``mask_iou``, ``Eval_Fmeasure``, ``AverageMeter`` over batches)."""
import logging

import pytest
import torch
from mmengine.logging import MMLogger

from mmavs.evaluation.functional import (binary_frame_stats, fmeasure_curves,
                                         frame_iou, threshold_counts)
from mmavs.evaluation.metrics import AVSMetric
from mmavs.registry import METRICS

T, H, W = 5, 12, 16


# ---- the official evaluation, re-implemented with its loops -------------
def official_mask_iou(pred, target, eps=1e-7):
    n = pred.size(0)
    num_pixels = pred.size(-1) * pred.size(-2)
    no_obj = target.sum(2).sum(1) == 0
    pred = (torch.sigmoid(pred) > 0.5).int()
    inter = (pred * target).sum(2).sum(1)
    union = torch.max(pred, target).sum(2).sum(1)
    inter_no_obj = ((1 - target) * (1 - pred)).sum(2).sum(1)
    inter[no_obj] = inter_no_obj[no_obj]
    union[no_obj] = num_pixels
    return torch.sum(inter / (union + eps)) / n


def official_eval_pr(y_pred, y, num):
    prec, recall = torch.zeros(num), torch.zeros(num)
    thlist = torch.linspace(0, 1 - 1e-10, num)
    for i in range(num):
        y_temp = (y_pred >= thlist[i]).float()
        tp = (y_temp * y).sum()
        prec[i] = tp / (y_temp.sum() + 1e-20)
        recall[i] = tp / (y.sum() + 1e-20)
    return prec, recall


def official_fmeasure(pred, gt, pr_num=255):
    pred = torch.sigmoid(pred)
    beta2 = 0.3
    avg_f, img_num = 0.0, 0
    score = torch.zeros(pr_num)
    for img_id in range(pred.size(0)):
        if torch.mean(gt[img_id]) == 0.0:
            continue
        prec, recall = official_eval_pr(pred[img_id], gt[img_id], pr_num)
        f_score = (1 + beta2) * prec * recall / (beta2 * prec + recall)
        f_score[f_score != f_score] = 0
        avg_f += f_score
        img_num += 1
        score = avg_f / img_num
    return score.max().item()


def official_test(logits, masks, batch_size):
    """The official test loop: [clips, T, H, W] tensors, meters over
    batches of ``batch_size`` clips."""
    miou_sum, f_sum, count = 0.0, 0.0, 0
    for start in range(0, logits.shape[0], batch_size):
        out = logits[start:start + batch_size].reshape(-1, H, W)
        mask = masks[start:start + batch_size].reshape(-1, H, W).float()
        miou_sum += official_mask_iou(out, mask)
        f_sum += official_fmeasure(out, mask)
        count += 1
    return float(miou_sum / count), f_sum / count


# ---- data --------------------------------------------------------------
def make_clips(num_clips, seed=0):
    g = torch.Generator().manual_seed(seed)
    n = max(num_clips, 4)
    logits = torch.randn(n, T, H, W, generator=g) * 3
    masks = (torch.rand(n, T, H, W, generator=g) > 0.7).long()
    masks[0, 2] = 0  # empty ground truths
    masks[1] = 0  # a clip whose frames are all empty
    logits[2, 0] = -20.0  # an all-empty prediction
    logits[3, 1, :3] = 40.0  # saturated probabilities (== 1.0)
    return logits[:num_clips], masks[:num_clips]


def frame_samples(logits, masks, categories=('dog', 'cat')):
    samples = []
    for c in range(logits.shape[0]):
        for t in range(logits.shape[1]):
            samples.append(
                dict(
                    seg_logits=dict(data=logits[c, t][None].clone()),
                    pred_sem_seg=dict(data=(logits[c, t][None] > 0).long()),
                    gt_sem_seg=dict(data=masks[c, t][None].clone()),
                    clip_id=f'clip{c}',
                    frame_idx=t,
                    num_frames=logits.shape[1],
                    valid=True,
                    labelled=True,
                    category=categories[c % len(categories)],
                    audio_condition='positive',
                    img_path=f'clip{c}/{t}.png'))
    return samples


def evaluate(metric, samples, batch_clips, frames_per_clip=T):
    step = batch_clips * frames_per_clip
    for start in range(0, len(samples), step):
        metric.process(None, samples[start:start + step])
    num_clips = len(samples) // frames_per_clip
    return metric.evaluate(num_clips)


# ---- tests -------------------------------------------------------------
def test_registered_and_keys():
    metric = METRICS.build(dict(type='AVSMetric', mode='dataset'))
    assert isinstance(metric, AVSMetric)
    logits, masks = make_clips(2)
    out = evaluate(metric, frame_samples(logits, masks), 1)
    assert list(out) == ['J@dataset', 'F@dataset', 'J&F@dataset']
    assert out['J&F@dataset'] == pytest.approx(
        (out['J@dataset'] + out['F@dataset']) / 2)
    with pytest.raises(ValueError, match='mode'):
        AVSMetric(mode='video')


def test_per_frame_values_are_bit_identical():
    logits, masks = make_clips(4)
    logits, masks = logits.flatten(0, 1), masks.flatten(0, 1)
    stats = binary_frame_stats(logits, masks)
    j = frame_iou(stats)
    curves = fmeasure_curves(
        threshold_counts(stats['hist_fg']),
        threshold_counts(stats['hist_all']), stats['gt_fg'])
    checked = 0
    for k in range(logits.shape[0]):
        mask = masks[k:k + 1].float()
        assert torch.equal(j[k], official_mask_iou(logits[k:k + 1], mask))
        if mask.sum() == 0:
            continue
        prec, recall = official_eval_pr(torch.sigmoid(logits[k]), mask[0],
                                        255)
        beta2 = 0.3
        f_score = (1 + beta2) * prec * recall / (beta2 * prec + recall)
        f_score[f_score != f_score] = 0
        assert torch.equal(curves[k], f_score)
        checked += 1
    assert checked > 10


@pytest.mark.parametrize('batch_clips', [1, 2, 3])
def test_avsbench_mode_matches_official(batch_clips):
    logits, masks = make_clips(5)
    ref_j, ref_f = official_test(logits, masks, batch_clips)
    out = evaluate(
        AVSMetric(mode='avsbench'), frame_samples(logits, masks), batch_clips)
    assert out['J@avsbench'] == pytest.approx(ref_j, abs=1e-6)
    assert out['F@avsbench'] == pytest.approx(ref_f, abs=1e-6)


def test_batch_size_dependence():
    logits, masks = make_clips(5)
    samples = frame_samples(logits, masks)
    avs = {b: evaluate(AVSMetric(mode='avsbench'), samples, b) for b in (1, 5)}
    frame = {b: evaluate(AVSMetric(mode='frame'), samples, b) for b in (1, 2)}
    # the official F depends on the evaluation batch size ...
    ref_f1 = official_test(logits, masks, 1)[1]
    ref_f5 = official_test(logits, masks, 5)[1]
    assert abs(ref_f1 - ref_f5) > 1e-3
    assert avs[1]['F@avsbench'] - avs[5]['F@avsbench'] == pytest.approx(
        ref_f1 - ref_f5, abs=1e-6)
    # ... frame mode does not, and equals the official value of one batch
    assert frame[1] == frame[2]
    assert frame[1]['F@frame'] == pytest.approx(ref_f5, abs=1e-6)
    assert frame[1]['J@frame'] == pytest.approx(avs[5]['J@avsbench'])
    # an explicit batch_size rebatches the collected clips
    explicit = evaluate(AVSMetric(mode='avsbench', batch_size=5), samples, 1)
    assert explicit['F@avsbench'] == pytest.approx(avs[5]['F@avsbench'])


def test_padding_and_unlabelled_frames_are_excluded():
    logits, masks = make_clips(3)
    samples = frame_samples(logits, masks)
    ref = evaluate(AVSMetric(), samples[:T * 2], 1)  # clips 0 and 1 only
    padded = frame_samples(logits, masks)
    for s in padded[2 * T:]:
        s['valid'] = False
    padded[2 * T]['valid'] = True
    padded[2 * T]['labelled'] = False
    padded[2 * T]['gt_sem_seg']['data'][:] = 255
    assert evaluate(AVSMetric(), padded, 1) == ref
    # a missing 'valid' means valid
    for s in samples:
        s.pop('valid')
    full = evaluate(AVSMetric(), samples, 1)
    assert full != ref


def test_ignore_pixels_and_category_table():
    logits, masks = make_clips(2)
    samples = frame_samples(logits, masks, categories=('guitar', ''))
    ignored = frame_samples(logits, masks, categories=('guitar', ''))
    for s in ignored:
        s['gt_sem_seg']['data'][..., -1] = 255
        s['seg_logits']['data'][..., -1] = 50.0
    a = evaluate(AVSMetric(), samples, 1)
    b = evaluate(AVSMetric(), ignored, 1)
    assert a != b  # the last column is no longer scored ...
    cropped = frame_samples(
        logits[..., :-1].contiguous(),
        masks[..., :-1].contiguous(),
        categories=('guitar', ''))
    assert evaluate(AVSMetric(), cropped, 1) == b  # ... as if cropped away
    logger = MMLogger.get_current_instance()
    handler = _Collect()
    logger.addHandler(handler)
    try:
        evaluate(AVSMetric(), samples, 1)
    finally:
        logger.removeHandler(handler)
    table = '\n'.join(handler.messages)
    assert 'guitar' in table and '(none)' in table
    assert f'{T * 1:>4}' in table  # frames per category


class _Collect(logging.Handler):
    """Collects the messages logged while it is attached."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@pytest.mark.parametrize('case', [
    'size', 'nan', 'inf', 'label', 'channels', 'all_ignored', 'split_clip',
    'no_logits'
])
def test_bad_input_names_the_sample(case):
    logits, masks = make_clips(2)
    samples = frame_samples(logits, masks)
    s = samples[3]
    if case == 'size':
        s['gt_sem_seg']['data'] = torch.zeros(1, H + 1, W, dtype=torch.long)
        match = 'spatial size'
    elif case == 'nan':
        s['seg_logits']['data'][0, 1, 1] = float('nan')
        match = 'NaN or infinite'
    elif case == 'inf':
        s['seg_logits']['data'][0, 1, 1] = float('inf')
        match = 'NaN or infinite'
    elif case == 'label':
        s['gt_sem_seg']['data'][0, 0, 0] = 2
        match = r'labels \[2\] outside'
    elif case == 'channels':
        s['seg_logits']['data'] = torch.zeros(2, H, W)
        match = 'channels'
    elif case == 'all_ignored':
        s['gt_sem_seg']['data'][:] = 255
        match = 'ignore index'
    elif case == 'split_clip':
        samples = samples[:T - 1] + samples[T:]
        s = samples[T - 1]
        match = 'consecutive'
    else:
        s.pop('seg_logits')
        match = 'seg_logits'
    with pytest.raises((ValueError, KeyError, TypeError)) as err:
        AVSMetric().process(None, samples)
    assert err.match(match)
    assert f"clip_id={s['clip_id']!r}" in str(err.value)
    if case != 'split_clip':
        assert "frame_idx=3" in str(err.value)
        assert s['img_path'] in str(err.value)


def test_through_mmengine_evaluator_with_seg_data_samples():
    from mmengine.evaluator import Evaluator
    from mmengine.structures import PixelData
    from mmseg.structures import SegDataSample

    logits, masks = make_clips(3)
    expect = evaluate(AVSMetric(), frame_samples(logits, masks), 2)
    evaluator = Evaluator([AVSMetric()])
    for start in (0, 2):
        batch = []
        for c in range(start, min(start + 2, 3)):
            for t in range(T):
                sample = SegDataSample(
                    metainfo=dict(
                        clip_id=f'clip{c}',
                        frame_idx=t,
                        num_frames=T,
                        valid=True,
                        labelled=True,
                        category=('dog', 'cat')[c % 2],
                        audio_condition='positive',
                        img_path=f'clip{c}/{t}.png'))
                sample.seg_logits = PixelData(data=logits[c, t][None])
                sample.gt_sem_seg = PixelData(data=masks[c, t][None])
                batch.append(sample)
        evaluator.process(data_samples=batch, data_batch=None)
    assert evaluator.evaluate(3) == expect


def test_breakdown_metrics_by_a_clip_key():
    logits, masks = make_clips(4)
    samples = frame_samples(logits, masks)
    cases = ['lookalike', 'silence', 'lookalike', 'single']
    for i, s in enumerate(samples):
        s['case'] = cases[i // T]
    metric = AVSMetric(breakdown_keys=('case', ), breakdown_metrics=True)
    out = evaluate(metric, samples, 2)
    # each group equals the metric computed on that group's clips alone
    for name in ('lookalike', 'silence', 'single'):
        keep = [i for i, c in enumerate(cases) if c == name]
        alone = evaluate(
            AVSMetric(category_table=False),
            frame_samples(logits[keep], masks[keep]), 1)
        assert out[f'case/{name}/J@frame'] == pytest.approx(alone['J@frame'])
        assert out[f'case/{name}/F@frame'] == pytest.approx(alone['F@frame'])
    assert 'J@frame' in out
    assert not any(k.startswith('case/') for k in evaluate(
        AVSMetric(breakdown_keys=('case', )), samples, 2))


def test_clips_of_several_frame_sizes_in_one_batch():
    """Frames are reduced per size; each clip keeps its own frames' scores
    (per-category J equals the official mask IoU of that clip alone)."""
    logits, masks = make_clips(3, seed=3)
    sizes = [(H, W), (6, 10), (H, W)]  # clip 1 stands between two others
    samples, expect = [], {}
    for c, (h, w) in enumerate(sizes):
        lg, mk = logits[c:c + 1, :, :h, :w], masks[c:c + 1, :, :h, :w]
        name = f'cat{c}'
        for s in frame_samples(lg, mk, categories=(name, )):
            s['clip_id'] = f'clip{c}'
            samples.append(s)
        expect[name] = float(official_mask_iou(lg[0], mk[0]))
    out = evaluate(AVSMetric(breakdown_metrics=True), samples, 3)
    for name, iou in expect.items():
        assert out[f'category/{name}/J@frame'] == pytest.approx(iou, abs=1e-6)
    assert out['J@frame'] == pytest.approx(sum(expect.values()) / 3, abs=1e-6)
