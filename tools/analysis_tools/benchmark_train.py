# Copyright (c) mmavs contributors. All rights reserved.
"""Benchmark real training iterations of a config through mmengine's runner.

Each setting runs in a fresh subprocess (so peak memory is its own): the
config's runner (data loading and pipeline, data preprocessor, model,
losses, backward, optimizer step) trains ``--warmup + --iters``
iterations of an iteration-based loop with validation, checkpoints and the
learning-rate schedule off. A hook times every iteration: the data time
(from the end of one iteration to the start of the next: fetching and
collating the batch) and the compute time (``train_step``, synchronised on
CUDA). It prints, for the baseline (the config as it is) and for the
setting the switches ask for, in the same run:

- iterations/s and seconds per iteration (median over the timed ones);
- data time and compute time per iteration;
- peak memory: ``torch.cuda.max_memory_allocated`` on CUDA (reset after the
  warm-up), the peak resident set size of the process on CPU.

Switches (the setting benchmarked next to the baseline):

- ``--amp bf16|fp16``: mmengine's ``AmpOptimWrapper`` (CUDA only; fp16
  with dynamic loss scaling);
- ``--channels-last``: the model's 4-D parameters in channels-last memory
  format;
- ``--compile``: ``cfg.compile = True`` (``torch.compile`` of the train
  step);
- ``--checkpoint-backbone``: activation checkpointing of the visual
  backbone (``with_cp`` of mmseg backbones, ``set_grad_checkpointing`` of
  timm models).

Data: the config's own dataset (``--data-root`` replaces the train data
root, e.g. with a SynthAVS tree in the same layout), or ``--synthavs N``:
a SynthAVS tree of N training clips generated into a temporary folder
(``--synthavs-size`` pixels; every layout, so any AVSBench-style config
finds its files).

Examples::

    # GPU, RAVS MiT-B5 at the paper's per-GPU batch, with and without AMP
    python tools/analysis_tools/benchmark_train.py \\
        configs/ravs/ravs_mit-b5-vggish_8xb2-40e_s4-224x224.py \\
        --synthavs 16 --batch-size 2 --amp bf16

    # CPU, a tiny config on a SynthAVS tree
    python tools/analysis_tools/benchmark_train.py \\
        configs/ravs/ravs_simpleconv_1xb4-300it_synthavs-s4-64x64.py \\
        --data-root data/synthavs --iters 5 --checkpoint-backbone
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

from mmengine.hooks import Hook

SWITCHES = ('amp', 'channels_last', 'compile', 'checkpoint_backbone')


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Training iterations/s, data vs compute time and peak '
        'memory of a config, against the plain config in the same run')
    parser.add_argument('config', help='config file')
    parser.add_argument('--iters', type=int, default=10, help='timed iters')
    parser.add_argument('--warmup', type=int, default=3, help='warm-up iters')
    parser.add_argument(
        '--batch-size', type=int, default=None, help='clips per batch')
    parser.add_argument(
        '--num-workers', type=int, default=None, help='dataloader workers')
    parser.add_argument(
        '--amp',
        choices=['bf16', 'fp16'],
        default=None,
        help='mixed precision (CUDA)')
    parser.add_argument(
        '--channels-last',
        action='store_true',
        help='channels-last parameters')
    parser.add_argument(
        '--compile', action='store_true', help='torch.compile (cfg.compile)')
    parser.add_argument(
        '--checkpoint-backbone',
        action='store_true',
        help='activation checkpointing of the visual backbone')
    parser.add_argument(
        '--no-baseline',
        action='store_true',
        help='run only the setting of the switches')
    data = parser.add_mutually_exclusive_group()
    data.add_argument(
        '--data-root', default=None, help='train data root to use')
    data.add_argument(
        '--synthavs',
        type=int,
        default=None,
        metavar='N',
        help='generate a SynthAVS tree of N training clips and train on it')
    parser.add_argument(
        '--synthavs-size',
        type=int,
        default=224,
        help='frame size of the generated SynthAVS tree')
    parser.add_argument(
        '--threads', type=int, default=None, help='torch CPU threads')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        default=[],
        help='config overrides, key=value (passed on to every run)')
    parser.add_argument('--_child', default=None, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


class _IterTimer(Hook):
    """Hook recording data and compute time of every training iteration."""

    def __init__(self, warmup: int) -> None:
        import torch
        self.torch = torch
        self.warmup = warmup
        self.data, self.compute = [], []
        self._last_end = None
        self._start = None

    def _sync(self) -> None:
        if self.torch.cuda.is_available():
            self.torch.cuda.synchronize()

    def before_run(self, runner) -> None:
        self._last_end = time.perf_counter()

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        self._start = time.perf_counter()
        self.data.append(self._start - self._last_end)

    def after_train_iter(self,
                         runner,
                         batch_idx,
                         data_batch=None,
                         outputs=None) -> None:
        self._sync()
        end = time.perf_counter()
        self.compute.append(end - self._start)
        self._last_end = end
        if len(self.compute) == self.warmup and self.torch.cuda.is_available():
            self.torch.cuda.reset_peak_memory_stats()


def enable_backbone_checkpointing(backbone) -> int:
    """Turn on activation checkpointing in a visual backbone.

    Sets ``with_cp = True`` on every submodule that has the attribute
    (mmseg/mmcv backbones and their layers) and calls
    ``set_grad_checkpointing(True)`` on timm models.

    Args:
        backbone (nn.Module): The visual backbone.

    Returns:
        int: Number of modules switched.

    Raises:
        ValueError: If the backbone offers neither.
    """
    count = 0
    for module in backbone.modules():
        if hasattr(module, 'with_cp'):
            module.with_cp = True
            count += 1
        if hasattr(module, 'set_grad_checkpointing'):
            module.set_grad_checkpointing(True)
            count += 1
    if not count:
        raise ValueError(f'--checkpoint-backbone: {type(backbone).__name__} '
                         'has no with_cp attribute and no timm '
                         'set_grad_checkpointing method')
    return count


def _rss_peak_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def run_setting(args: argparse.Namespace, setting: dict,
                work_dir: str) -> dict:
    """Train in this process with ``setting``; return the measurements."""
    import torch
    from mmengine.config import DictAction

    from mmavs.utils import build_runner, load_config
    if args.threads:
        torch.set_num_threads(args.threads)
    options = {}
    if args.cfg_options:
        parser = argparse.ArgumentParser()
        parser.add_argument('--o', nargs='+', action=DictAction)
        options = parser.parse_args(['--o'] + args.cfg_options).o
    cfg = load_config(args.config, options)
    cfg.work_dir = work_dir
    total = args.warmup + args.iters
    cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=total)
    for key in ('val_dataloader', 'val_cfg', 'val_evaluator',
                'test_dataloader', 'test_cfg', 'test_evaluator'):
        cfg[key] = None
    cfg.param_scheduler = None
    cfg.default_hooks.checkpoint = None
    cfg.default_hooks.logger = dict(type='LoggerHook', interval=10**6)
    cfg.default_hooks.pop('visualization', None)
    cfg.log_processor = dict(by_epoch=False)
    cfg.log_level = 'WARNING'
    cfg.load_from = None
    cfg.resume = False
    loader = cfg.train_dataloader
    loader.sampler = dict(type='InfiniteSampler', shuffle=True)
    if args.batch_size:
        loader.batch_size = args.batch_size
    if args.num_workers is not None:
        loader.num_workers = args.num_workers
        loader.persistent_workers = args.num_workers > 0
    if args.data_root:
        loader.dataset.data_root = args.data_root
    if setting.get('amp'):
        if not torch.cuda.is_available():
            raise RuntimeError('--amp needs CUDA (mmengine\'s AmpOptimWrapper '
                               'does not run on CPU)')
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.dtype = ('bfloat16'
                                   if setting['amp'] == 'bf16' else 'float16')
        if setting['amp'] == 'fp16':
            cfg.optim_wrapper.loss_scale = 'dynamic'
    if setting.get('compile'):
        cfg.compile = True
    # no weights to load: the benchmark measures speed, not accuracy
    for part in ('backbone', 'audio_backbone'):
        if part in cfg.model and cfg.model[part] is not None:
            cfg.model[part].pop('init_cfg', None)
    runner = build_runner(cfg)
    timer = _IterTimer(args.warmup)
    runner.register_hook(timer, priority='VERY_LOW')
    model = runner.model
    if setting.get('channels_last'):
        model.to(memory_format=torch.channels_last)
    if setting.get('checkpoint_backbone'):
        enable_backbone_checkpointing(model.backbone)
    runner.train()
    compute = timer.compute[args.warmup:]
    data = timer.data[args.warmup:]
    per_iter = [c + d for c, d in zip(compute, data)]
    if torch.cuda.is_available():
        peak, kind = torch.cuda.max_memory_allocated(), 'CUDA allocated'
        device = torch.cuda.get_device_name()
    else:
        peak, kind = _rss_peak_bytes(), 'RSS'
        device = f'cpu, {torch.get_num_threads()} threads'
    return dict(
        iters=len(compute),
        batch_size=loader.batch_size,
        it_per_s=1 / statistics.median(per_iter),
        s_per_iter=statistics.median(per_iter),
        data_s=statistics.median(data),
        compute_s=statistics.median(compute),
        peak_mib=peak / 2**20,
        peak_kind=kind,
        device=device)


def _setting_name(setting: dict) -> str:
    names = []
    if setting.get('amp'):
        names.append(f'amp-{setting["amp"]}')
    for key in SWITCHES[1:]:
        if setting.get(key):
            names.append(key.replace('_', '-'))
    return ' + '.join(names) or 'baseline'


def main(argv=None) -> None:
    args = parse_args(argv)
    if args._child is not None:
        setting, work_dir = json.loads(args._child)
        print('@@RESULT ' + json.dumps(run_setting(args, setting, work_dir)))
        return
    asked = dict(
        amp=args.amp,
        channels_last=args.channels_last,
        compile=args.compile,
        checkpoint_backbone=args.checkpoint_backbone)
    settings = [] if args.no_baseline else [{}]
    if any(asked.values()) or args.no_baseline:
        settings.append(asked)
    with tempfile.TemporaryDirectory(prefix='mmavs_bench_train_') as tmp:
        data_root = args.data_root
        if args.synthavs:
            from mmavs.synthavs import generate_synthavs
            data_root = os.path.join(tmp, 'synthavs')
            generate_synthavs(
                data_root,
                num_train=args.synthavs,
                num_val=1,
                num_test=1,
                image_size=args.synthavs_size,
                seed=0)
        print(f'config: {args.config}\n{args.warmup} warm-up + {args.iters} '
              'timed iterations per setting, each in a fresh process')
        rows = []
        for i, setting in enumerate(settings):
            cmd = [
                sys.executable,
                os.path.abspath(__file__), args.config, '--iters',
                str(args.iters), '--warmup',
                str(args.warmup), '--_child',
                json.dumps([setting, os.path.join(tmp, f'run{i}')])
            ]
            for flag, value in (('--batch-size', args.batch_size),
                                ('--num-workers', args.num_workers),
                                ('--data-root', data_root), ('--threads',
                                                             args.threads)):
                if value is not None:
                    cmd += [flag, str(value)]
            if args.cfg_options:
                cmd += ['--cfg-options'] + list(args.cfg_options)
            proc = subprocess.run(cmd, capture_output=True, text=True)
            lines = [
                line for line in proc.stdout.splitlines()
                if line.startswith('@@RESULT ')
            ]
            if proc.returncode != 0 or not lines:
                raise RuntimeError(
                    f'setting {_setting_name(setting)!r} failed (exit '
                    f'{proc.returncode}):\n{proc.stderr[-4000:]}')
            rows.append((_setting_name(setting),
                         json.loads(lines[-1][len('@@RESULT '):])))
    first = rows[0][1]
    print(f'device: {first["device"]}, batch: {first["batch_size"]} clip(s),'
          f' peak memory: {first["peak_kind"]}')
    print(f'{"setting":<40} {"it/s":>7} {"s/iter":>7} {"data s":>7} '
          f'{"compute s":>9} {"peak MiB":>9} {"x time":>6}')
    for name, res in rows:
        print(f'{name:<40} {res["it_per_s"]:>7.3f} {res["s_per_iter"]:>7.3f} '
              f'{res["data_s"]:>7.3f} {res["compute_s"]:>9.3f} '
              f'{res["peak_mib"]:>9.0f} '
              f'{res["s_per_iter"] / first["s_per_iter"]:>6.2f}')


if __name__ == '__main__':
    main()
