# Copyright (c) mmavs contributors. All rights reserved.
"""One clip under its original audio, silence, noise and off-screen audio
(AVSBench-Robust Fig. 1 and 3).

    python tools/analysis_tools/robust_conditions.py CONFIG CHECKPOINT \
        --clip CLIP_ID [--out robust.png] [--category-groups synthavs]

Rows: the frames, then the predicted masks with the clip's own audio and
under the three negative conditions of AVSBench-Robust (silence, white
noise, the audio of a clip of another sound group), built by
:class:`~mmavs.datasets.RobustAVSDataset` around the config's test set (its
own arguments when the config's test set is already robust). A model that
truly segments sounding objects predicts nothing in the negative rows.
"""
import argparse

from mmengine.config import DictAction

CONDITIONS = ('positive', 'silence', 'noise', 'offscreen')
ROW_TITLES = dict(
    positive='original audio',
    silence='silence',
    noise='noise',
    offscreen='off-screen audio')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='model config')
    parser.add_argument('checkpoint', help='checkpoint')
    parser.add_argument('--clip', required=True, help='test clip id')
    parser.add_argument('--data-root', help='dataset root (default: config)')
    parser.add_argument('--out', default='robust_conditions.png')
    parser.add_argument(
        '--category-groups',
        help='category -> group preset for off-screen sources (default: '
        "the config's, else synthavs / s4)")
    parser.add_argument(
        '--seed', type=int, default=0, help='seed of the negative audio')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    from mmavs.apis import (condition_indices, find_clip, frames_of,
                            init_model, robust_test_dataset, run_model)
    from mmavs.visualization import (display_palette, overlay_mask,
                                     save_image_grid)
    model = init_model(args.config, args.checkpoint, args.device,
                       args.cfg_options)
    robust = robust_test_dataset(model.cfg, args.data_root,
                                 args.category_groups, args.seed, CONDITIONS)
    where = condition_indices(robust, find_clip(robust.dataset, args.clip))
    packed = [robust[where[c]] for c in CONDITIONS]
    samples, _ = run_model(model, packed)
    num = len(packed[0]['data_samples'])
    columns = [t for t, s in enumerate(packed[0]['data_samples'])
               if s.metainfo.get('valid', True)]
    frames = frames_of(packed[0])
    shown = display_palette(model.dataset_meta['palette'])
    rows = [[frames[t] for t in columns]]
    titles = ['frames']
    for c, cond in enumerate(CONDITIONS):
        rows.append([
            overlay_mask(frames[t],
                         samples[c * num + t].pred_sem_seg.data[0].cpu()
                         .numpy(), shown, alpha=0.6) for t in columns
        ])
        title = ROW_TITLES[cond]
        source = robust.get_data_info(where[cond]).get('offscreen_source')
        titles.append(f'{title}\n({source})' if source else title)
        share = sum(
            float((samples[c * num + t].pred_sem_seg.data != 0).float().mean())
            for t in columns) / len(columns)
        print(f'{cond:10s} mean predicted area {share:.3f}')
    save_image_grid(
        rows,
        args.out,
        row_titles=titles,
        col_titles=[f'{t} s' for t in columns],
        title=f'{args.clip}: predictions under four audio conditions')
    print(f'written {args.out}')


if __name__ == '__main__':
    main()
