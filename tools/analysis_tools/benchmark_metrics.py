# Copyright (c) mmavs contributors. All rights reserved.
"""Time AVSMetric against the official-style per-threshold loop.

The reference is the AVSBench test procedure written the straightforward
way: per evaluation batch ``mask_iou`` and ``Eval_Fmeasure`` with a Python
loop over the 255 thresholds (``(prob >= th).float()`` per threshold), both
averaged over batches. AVSMetric runs in ``mode='avsbench'`` on the same
batches, so the values must agree; the script prints both timings, their
ratio and the largest absolute difference of J and F.

Example::

    python tools/analysis_tools/benchmark_metrics.py --frames 1000 \
        --size 224 --clips-per-batch 4
"""
import argparse
import time

import torch

import mmavs  # noqa: F401  (installs the mmcv.ops fallback)
from mmavs.evaluation.metrics import AVSMetric

T = 5  # frames per clip, as in AVSBench S4 / MS3


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--frames', type=int, default=1000)
    parser.add_argument('--size', type=int, default=224)
    parser.add_argument(
        '--clips-per-batch',
        type=int,
        default=4,
        help='clips per evaluation batch (x5 frames)')
    parser.add_argument('--device', default='cpu', help="'cpu' or 'cuda'")
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--threads',
        type=int,
        default=None,
        help='torch intra-op threads (default: torch default)')
    return parser.parse_args()


def make_batches(num_frames, size, clips_per_batch, device, seed):
    """Synthetic logits / masks: blob masks, noisy logits, a few empty GTs."""
    g = torch.Generator().manual_seed(seed)
    num_clips = num_frames // T
    ys = torch.linspace(-1, 1, size).view(1, size, 1)
    xs = torch.linspace(-1, 1, size).view(1, 1, size)
    batches = []
    for start in range(0, num_clips, clips_per_batch):
        n = min(clips_per_batch, num_clips - start) * T
        centre = torch.rand(n, 2, 1, 1, generator=g) - 0.5
        radius = 0.2 + 0.5 * torch.rand(n, 1, 1, generator=g)
        dist2 = (ys - centre[:, 0])**2 + (xs - centre[:, 1])**2
        masks = (dist2 < radius**2).long()
        masks[torch.rand(n, generator=g) < 0.1] = 0
        logits = 6 * (masks.float() - 0.5) + 3 * torch.randn(
            n, size, size, generator=g)
        batches.append((logits.to(device), masks.to(device), start))
    return batches


# ---- the official-style reference ---------------------------------------
def loop_mask_iou(pred, target, eps=1e-7):
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


def loop_fmeasure(pred, gt, num=255, beta2=0.3):
    pred = torch.sigmoid(pred)
    thlist = torch.linspace(0, 1 - 1e-10, num).to(pred.device)
    avg_f, img_num = 0.0, 0
    score = torch.zeros(num)
    for k in range(pred.size(0)):
        if torch.mean(gt[k]) == 0.0:
            continue
        prec = torch.zeros(num, device=pred.device)
        recall = torch.zeros(num, device=pred.device)
        for i in range(num):
            y_temp = (pred[k] >= thlist[i]).float()
            tp = (y_temp * gt[k]).sum()
            prec[i] = tp / (y_temp.sum() + 1e-20)
            recall[i] = tp / (gt[k].sum() + 1e-20)
        f_score = (1 + beta2) * prec * recall / (beta2 * prec + recall)
        f_score[f_score != f_score] = 0
        avg_f += f_score
        img_num += 1
        score = avg_f / img_num
    return score.max().item()


def run_loop(batches):
    j_sum, f_sum = 0.0, 0.0
    for logits, masks, _ in batches:
        masks = masks.float()
        j_sum += loop_mask_iou(logits, masks).item()
        f_sum += loop_fmeasure(logits, masks)
    return j_sum / len(batches), f_sum / len(batches)


def run_metric(batches):
    metric = AVSMetric(mode='avsbench', category_table=False)
    num_clips = 0
    for logits, masks, start in batches:
        samples = []
        for k in range(logits.shape[0]):
            clip = start + k // T
            samples.append(
                dict(
                    seg_logits=dict(data=logits[k:k + 1]),
                    gt_sem_seg=dict(data=masks[k:k + 1]),
                    clip_id=f'clip{clip}',
                    frame_idx=k % T,
                    num_frames=T))
        metric.process(None, samples)
        num_clips += logits.shape[0] // T
    out = metric.evaluate(num_clips)
    return out['J@avsbench'], out['F@avsbench']


def timed(fn, *args, device='cpu'):
    if device.startswith('cuda'):
        torch.cuda.synchronize()
    start = time.perf_counter()
    result = fn(*args)
    if device.startswith('cuda'):
        torch.cuda.synchronize()
    return result, time.perf_counter() - start


def main():
    args = parse_args()
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    batches = make_batches(args.frames, args.size, args.clips_per_batch,
                           args.device, args.seed)
    frames = sum(b[0].shape[0] for b in batches)
    print(f'{frames} frames of {args.size}x{args.size}, '
          f'{len(batches)} batches of {args.clips_per_batch} clips x {T} '
          f'frames, device {args.device}, torch threads '
          f'{torch.get_num_threads()}')
    run_metric(batches[:1])  # warm-up
    (j_m, f_m), t_metric = timed(run_metric, batches, device=args.device)
    (j_l, f_l), t_loop = timed(run_loop, batches, device=args.device)
    print(f'official-style loop : {t_loop:8.3f} s  J={j_l:.8f} F={f_l:.8f}')
    print(f'AVSMetric (avsbench): {t_metric:8.3f} s  J={j_m:.8f} F={f_m:.8f}')
    print(f'speed-up            : {t_loop / t_metric:8.1f}x')
    print(f'max abs diff        : J {abs(j_m - j_l):.3e}  '
          f'F {abs(f_m - f_l):.3e}')


if __name__ == '__main__':
    main()
