# Copyright (c) mmavs contributors. All rights reserved.
"""Foreground scores of a binary model around sound state switches.

    python tools/analysis_tools/ue_switch_scores.py CONFIG CHECKPOINT \
        [--case state_switch] [--split test] [--cfg-options ...]

For the clips of one SynthAVS case (``state_switch`` by default: an object
whose sound switches on and off), every frame is classed by its ground
truth: *silent next to a switch* (no sounding pixel, and a neighbouring
frame has one), other silent frames, and sounding frames. For each class
the script prints the mean over frames of

- ``final``: the mean final foreground probability of the frame (sigmoid
  of the model's output logits, after uncertainty estimation);
- ``mask``: the same for the mask head alone, ``sigmoid(m)`` (before UE;
  models without UE: equal to ``final``);
- ``fg_frac``: the fraction of the frame's pixels predicted foreground.

Sounding frames report the scores over their sounding pixels. RAVS's
uncertainty estimation is meant to lower ``final`` on the silent frames
next to a switch (the paper's Fig. 6).
"""
import argparse
import os.path as osp
import sys

sys.path.insert(0,
                osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

from mmengine.config import DictAction  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='model config (binary task)')
    parser.add_argument('checkpoint', help='checkpoint')
    parser.add_argument('--case', default='state_switch', help='case type')
    parser.add_argument('--split', default='test', help='dataset split')
    parser.add_argument('--data-root', help='dataset root (default: config)')
    parser.add_argument('--batch', type=int, default=8, help='clips per run')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    import torch
    import torch.nn.functional as F

    from mmavs.apis import build_split_dataset, init_model, run_model
    model = init_model(args.config, args.checkpoint, args.device,
                       args.cfg_options)
    if model.out_channels != 1:
        raise ValueError(f'{args.config}: a binary (one-channel) model is '
                         f'needed, got {model.out_channels} channels')
    ignore = model.decode_head.ignore_index
    dataset = build_split_dataset(model.cfg, args.split, args.data_root)
    indices = [
        i for i in range(len(dataset))
        if dataset.get_data_info(i).get('case') == args.case
    ]
    if not indices:
        raise ValueError(f'no clip of case {args.case!r} in the '
                         f'{args.split} split of {args.config}')
    rows = {k: [] for k in ('switch_silent', 'other_silent', 'sounding')}
    for s in range(0, len(indices), args.batch):
        packed = [dataset[i] for i in indices[s:s + args.batch]]
        samples, extras = run_model(model, packed, with_extras=True)
        mask = extras.get('mask_logits')
        t_len = len(packed[0]['data_samples'])
        for c in range(len(packed)):
            gts = [
                packed[c]['data_samples'][t].gt_sem_seg.data[0]
                for t in range(t_len)
            ]
            sounding = [bool(((g != 0) & (g != ignore)).any()) for g in gts]
            for t in range(t_len):
                sample = samples[c * t_len + t]
                if not sample.metainfo.get('valid', True):
                    continue
                final = sample.seg_logits.data[0].sigmoid()
                if mask is not None:
                    m = F.interpolate(
                        mask[c * t_len + t:c * t_len + t + 1],
                        size=final.shape,
                        mode='bilinear',
                        align_corners=False)[0, 0].sigmoid()
                else:
                    m = final
                pred = sample.pred_sem_seg.data[0] != 0
                gt = gts[t].to(final.device)
                if sounding[t]:
                    where = gt == 1
                    key = 'sounding'
                else:
                    where = gt != ignore
                    near = [
                        sounding[u] for u in (t - 1, t + 1) if 0 <= u < t_len
                    ]
                    key = 'switch_silent' if any(near) else 'other_silent'
                rows[key].append(
                    torch.stack([
                        final[where].mean(), m[where].mean(),
                        pred[where].float().mean()
                    ]))
    print(f'{args.config}: {len(indices)} {args.case} clips '
          f'({args.split} split)')
    print('frames | n | final | mask | fg_frac')
    for key, values in rows.items():
        if not values:
            print(f'{key} | 0 | - | - | -')
            continue
        mean = torch.stack(values).mean(0).tolist()
        print(f'{key} | {len(values)} | {mean[0]:.3f} | {mean[1]:.3f} | '
              f'{mean[2]:.3f}')


if __name__ == '__main__':
    main()
