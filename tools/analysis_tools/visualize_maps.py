# Copyright (c) mmavs contributors. All rights reserved.
"""A test clip with its prediction and the model's maps (RAVS Fig. 5, 6).

    python tools/analysis_tools/visualize_maps.py CONFIG CHECKPOINT \
        --clip CLIP_ID [--out maps.png] [--rows frame gt pred uncertainty groups]

One column per frame, one row per picture: the frames (after the test
pipeline), the ground truth, the predicted mask (class colours of the
dataset palette: the 71-colour AVSS palette for semantic models; binary
masks in one colour), the RAVS
uncertainty map (blue low, red high) and the AMA groups of the stage the
contrastive loss uses (positive groups blue, negative red; darker =
farther from the threshold). Rows the model has no map for are skipped.
"""
import argparse

from mmengine.config import DictAction

ROWS = ('frame', 'gt', 'pred', 'uncertainty', 'groups')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='model config')
    parser.add_argument('checkpoint', help='checkpoint')
    parser.add_argument('--clip', required=True, help='clip id')
    parser.add_argument(
        '--split', default='test', help='dataset split (default: test)')
    parser.add_argument('--data-root', help='dataset root (default: config)')
    parser.add_argument('--out', default='maps.png', help='PNG file')
    parser.add_argument(
        '--rows', nargs='+', choices=ROWS, default=list(ROWS),
        help='rows to draw')
    parser.add_argument(
        '--stage', type=int, default=None,
        help='AMA stage of the group maps (default: the contrastive one)')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    from mmavs.apis import (build_split_dataset, find_clip, frames_of,
                            gt_image, init_model, run_model)
    from mmavs.visualization import (display_palette, model_maps,
                                     overlay_mask, render_maps,
                                     save_image_grid)
    model = init_model(args.config, args.checkpoint, args.device,
                       args.cfg_options)
    dataset = build_split_dataset(model.cfg, args.split, args.data_root)
    packed = dataset[find_clip(dataset, args.clip)]
    samples, extras = run_model(model, [packed], with_extras=True)
    maps = {
        k: v.cpu().numpy()
        for k, v in model_maps(model, extras, args.stage).items()
    }
    palette = model.dataset_meta['palette']
    shown = display_palette(palette)
    frames = frames_of(packed)
    columns = [t for t, s in enumerate(packed['data_samples'])
               if s.metainfo.get('valid', True)]
    rows, titles = [], []
    for row in args.rows:
        images = []
        for t in columns:
            frame = frames[t]
            if row == 'frame':
                images.append(frame)
            elif row == 'gt' and 'gt_sem_seg' in packed['data_samples'][t]:
                images.append(
                    gt_image(
                        packed['data_samples'][t].gt_sem_seg.data[0].numpy(),
                        palette))
            elif row == 'pred':
                images.append(
                    overlay_mask(frame,
                                 samples[t].pred_sem_seg.data[0].cpu().numpy(),
                                 shown))
            elif row in ('uncertainty', 'groups'):
                drawn = render_maps(frame, {k: v[t] for k, v in maps.items()})
                if row in drawn:
                    images.append(drawn[row])
        if images:
            rows.append(images)
            titles.append(row)
    skipped = [r for r in args.rows if r not in titles]
    save_image_grid(
        rows,
        args.out,
        row_titles=titles,
        col_titles=[f'frame {t}' for t in columns],
        title=args.clip)
    print(f'{args.out}: rows {titles}' +
          (f' (no {skipped} for this model/clip)' if skipped else ''))


if __name__ == '__main__':
    main()
