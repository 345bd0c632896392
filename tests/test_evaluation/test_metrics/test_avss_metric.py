# Copyright (c) mmavs contributors. All rights reserved.
"""AVSSMetric against a direct re-implementation of the official AVSS test
(``_batch_miou_fscore`` with ``torch.histc`` per frame, sums over batches)."""
import pytest
import torch

from mmavs.evaluation.metrics import AVSSMetric
from mmavs.registry import METRICS

C, T, H, W = 6, 4, 8, 10


def official_batch(output, target, nclass, beta2=0.3):
    predict = torch.argmax(torch.softmax(output, 1), 1) + 1
    target = target.float() + 1
    predict = predict.float() * (target > 0).float()
    intersection = predict * (predict == target).float()
    cls_count = torch.zeros(nclass)
    ious = torch.zeros(nclass)
    fscores = torch.zeros(nclass)
    for i in range(target.shape[0]):
        area_inter = torch.histc(
            intersection[i], bins=nclass, min=1, max=nclass)
        area_pred = torch.histc(predict[i], bins=nclass, min=1, max=nclass)
        area_lab = torch.histc(target[i], bins=nclass, min=1, max=nclass)
        area_union = area_pred + area_lab - area_inter
        ious += 1.0 * area_inter / (2.220446049250313e-16 + area_union)
        cls_count[torch.nonzero(area_union).squeeze(-1)] += 1
        precision = area_inter / area_pred
        recall = area_inter / area_lab
        fscore = (1 + beta2) * precision * recall / (
            beta2 * precision + recall)
        fscore[torch.isnan(fscore)] = 0.
        fscores += fscore
    return ious, fscores, cls_count


def official_test(logits, labels, batch_size):
    miou_pc, fs_pc, cls_pc = (torch.zeros(C) for _ in range(3))
    for start in range(0, logits.shape[0], batch_size):
        out = logits[start:start + batch_size].flatten(0, 1)
        lab = labels[start:start + batch_size].flatten(0, 1)
        a, b, c = official_batch(out, lab, C)
        miou_pc += a
        fs_pc += b
        cls_pc += c
    miou_pc = miou_pc / cls_pc
    miou_pc[torch.isnan(miou_pc)] = 0
    f_pc = fs_pc / cls_pc
    f_pc[torch.isnan(f_pc)] = 0
    return dict(
        mIoU=miou_pc.mean().item(),
        F=f_pc.mean().item(),
        miou_pc=miou_pc,
        f_pc=f_pc,
        noBg_last=miou_pc[:-1].mean().item())


def make_data(num_clips=5, seed=0):
    g = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, C - 1, (num_clips, T, H, W), generator=g)
    labels[:, :, :3] = 0  # background band
    logits = torch.randn(num_clips, T, C, H, W, generator=g)
    # make predictions mostly right so IoUs are not tiny
    logits += 3 * torch.nn.functional.one_hot(labels, C).permute(0, 1, 4, 2, 3)
    return logits, labels  # class C - 1 is never labelled


def samples_of(logits, labels, valid_frames=None):
    out = []
    for c in range(logits.shape[0]):
        for t in range(T):
            valid = valid_frames is None or t < valid_frames[c]
            out.append(
                dict(
                    seg_logits=dict(data=logits[c, t].clone()),
                    gt_sem_seg=dict(
                        data=(labels[c, t] if valid else torch.
                              full_like(labels[c, t], 255))[None].clone()),
                    clip_id=f'v{c}',
                    frame_idx=t,
                    num_frames=T,
                    valid=valid,
                    labelled=valid,
                    img_path=f'v{c}/{t}.jpg'))
    return out


def run(metric, samples, batch_clips=2):
    step = batch_clips * T
    for start in range(0, len(samples), step):
        metric.process(None, samples[start:start + step])
    return metric.evaluate(len(samples) // T)


def test_matches_official_formula():
    logits, labels = make_data()
    ref = official_test(logits, labels, batch_size=2)
    metric = METRICS.build(dict(type='AVSSMetric', legacy_no_bg=True))
    metric.dataset_meta = dict(classes=[f'c{i}' for i in range(C)])
    out = run(metric, samples_of(logits, labels))
    assert out['mIoU'] == pytest.approx(ref['mIoU'], abs=1e-6)
    assert out['F'] == pytest.approx(ref['F'], abs=1e-6)
    assert out['mIoU_noBg@legacy'] == pytest.approx(ref['noBg_last'], abs=1e-6)
    # the class never present counts as 0 in the mean over all classes
    assert ref['miou_pc'][-1] == 0
    assert out['mIoU'] == pytest.approx(
        ref['miou_pc'][:-1].sum().item() / C, abs=1e-6)
    # without background: drop class 0, not the last class
    assert out['mIoU_noBg'] == pytest.approx(
        ref['miou_pc'][1:].mean().item(), abs=1e-6)
    assert out['F_noBg'] == pytest.approx(
        ref['f_pc'][1:].mean().item(), abs=1e-6)
    assert out['mIoU_noBg'] != pytest.approx(out['mIoU_noBg@legacy'])
    # batch-independent (sums over frames)
    assert run(
        AVSSMetric(num_classes=C, legacy_no_bg=True),
        samples_of(logits, labels),
        batch_clips=1) == out


def test_padding_frames():
    logits, labels = make_data(num_clips=3)
    valid = [T, 2, T]  # clip 1 is padded after two frames
    padded_labels = labels.clone()
    padded_labels[1, 2:] = 0  # the official loader pads labels with zeros
    legacy = run(
        AVSSMetric(num_classes=C, legacy_padding=True),
        samples_of(logits, labels, valid))
    ref = official_test(logits, padded_labels, batch_size=2)
    assert legacy['mIoU'] == pytest.approx(ref['mIoU'], abs=1e-6)
    assert legacy['F'] == pytest.approx(ref['F'], abs=1e-6)
    # by default padding frames are excluded
    default = run(AVSSMetric(num_classes=C), samples_of(logits, labels, valid))
    assert default['mIoU'] != pytest.approx(legacy['mIoU'])
    keep = [(c, t) for c in range(3) for t in range(valid[c])]
    mask = torch.zeros(3, T, dtype=torch.bool)
    for c, t in keep:
        mask[c, t] = True
    a, b, n = official_batch(logits[mask], labels[mask], C)
    miou = torch.nan_to_num(a / n).mean().item()
    assert default['mIoU'] == pytest.approx(miou, abs=1e-6)


def test_ignore_index_pixels_are_not_scored():
    logits, labels = make_data(num_clips=2)
    ignored = labels.clone()
    ignored[..., -2:] = 255
    out = run(AVSSMetric(num_classes=C), samples_of(logits, ignored))
    ref = official_test(logits[..., :-2].contiguous(),
                        labels[..., :-2].contiguous(), 2)
    assert out['mIoU'] == pytest.approx(ref['mIoU'], abs=1e-6)


@pytest.mark.parametrize('case', ['label', 'channels', 'nan', 'size'])
def test_bad_input(case):
    logits, labels = make_data(num_clips=2)
    samples = samples_of(logits, labels)
    s = samples[T + 1]
    if case == 'label':
        s['gt_sem_seg']['data'][0, 0, 0] = C
        match = 'outside'
    elif case == 'channels':
        s['seg_logits']['data'] = torch.zeros(C + 1, H, W)
        match = 'channels'
    elif case == 'nan':
        s['seg_logits']['data'][0, 0, 0] = float('nan')
        match = 'NaN'
    else:
        s['seg_logits']['data'] = torch.zeros(C, H, W + 2)
        match = 'spatial size'
    with pytest.raises(ValueError, match=match) as err:
        AVSSMetric(num_classes=C).process(None, samples)
    assert "clip_id='v1', frame_idx=1" in str(err.value)
