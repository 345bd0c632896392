# Copyright (c) mmavs contributors. All rights reserved.
"""Per-module time, FLOPs and throughput of a model config.

Runs the segmentor on one synthetic clip (``--batch-size`` clips of
``--num-frames`` frames at ``--size``; see
:func:`mmavs.testing.synthetic_av_batch`) and times, with forward hooks,
every top-level part: the visual backbone, the audio backbone, the neck and
each child of the decode head (a ``ModuleList`` child counts as one part:
the sum of its members). ``decode_head.(rest)`` is the head's time outside
its children (resizing, reshapes, the combination of outputs); ``other``
is the segmentor's time outside the parts (in training: the losses, which
also have their own rows, and the data preprocessing). The FLOP counter
attributes an operator to a module only when the module is called (not
its ``forward`` directly, as the segmentor does with the decode head), so
the ``decode_head`` row counts its children, and the head's own operators
(the resizes of the fusion) count in ``other``.

For each part it prints

- the median time over ``--repeats`` runs (after ``--warmup``);
- its GMACs, counted by mmengine's ``FlopAnalyzer``
  (:mod:`mmavs.utils.complexity`; 1 MAC = 1 multiply-add, what mmengine
  calls a flop);
- the achieved GFLOP/s (2 flops per MAC, the usual convention of a matrix
  product's rate) and its fraction of the GEMM rate;

and, measured in the same run, the rate of a plain ``--gemm-size`` cubed
float32 matrix product (``2 n^3`` flops per product), the machine's
practical peak for these models' dense layers.

``--mode train`` times the forward pass of a training step (loss mode,
gradients on) per part, then the backward pass and the optimizer step as a
whole (the FLOP columns stay those of the forward pass).

Example::

    python tools/analysis_tools/profile_model.py \\
        configs/ravs/ravs_mit-b5-vggish_8xb2-40e_s4-224x224.py \\
        --size 224 --threads 2
"""
import argparse
import statistics
import time
from collections import OrderedDict
from typing import Callable, Dict, List

import torch
from torch import nn

from mmavs.utils import add_cfg_options_arg


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Per-module time, FLOPs and GFLOP/s of a model config')
    parser.add_argument('config', help='config file')
    parser.add_argument('--size', type=int, default=224, help='frame size')
    parser.add_argument(
        '--num-frames',
        type=int,
        default=None,
        help='frames per clip (default: 10 for heads with more than one '
        'output channel, else 5)')
    parser.add_argument(
        '--batch-size', type=int, default=1, help='clips per batch')
    parser.add_argument(
        '--mode',
        choices=['inference', 'train'],
        default='inference',
        help='inference (eval, no_grad) or a training step')
    parser.add_argument('--repeats', type=int, default=3, help='timed runs')
    parser.add_argument('--warmup', type=int, default=1, help='warm-up runs')
    parser.add_argument(
        '--gemm-size',
        type=int,
        default=2048,
        help='n of the n x n x n reference matrix product')
    parser.add_argument('--device', default='cpu', help='cpu or cuda')
    parser.add_argument(
        '--threads', type=int, default=None, help='torch CPU threads')
    add_cfg_options_arg(parser)
    return parser.parse_args(argv)


def _sync(device: torch.device) -> None:
    if device.type == 'cuda':
        torch.cuda.synchronize(device)


def gemm_gflops(n: int,
                device: torch.device,
                repeats: int = 3,
                dtype: torch.dtype = torch.float32) -> float:
    """Rate of an ``n x n @ n x n`` product in GFLOP/s (``2 n^3`` flops).

    Args:
        n (int): Matrix size.
        device (torch.device): Where to run.
        repeats (int): Timed products (after one warm-up); the median
            counts.
        dtype (torch.dtype): Element type. Defaults to float32.

    Returns:
        float: GFLOP/s.
    """
    gen = torch.Generator().manual_seed(0)
    a = torch.randn(n, n, generator=gen).to(device, dtype)
    b = torch.randn(n, n, generator=gen).to(device, dtype)
    torch.mm(a, b)
    times = []
    for _ in range(repeats):
        _sync(device)
        start = time.perf_counter()
        torch.mm(a, b)
        _sync(device)
        times.append(time.perf_counter() - start)
    return 2 * n**3 / statistics.median(times) / 1e9


def model_parts(model: nn.Module) -> 'OrderedDict[str, List[nn.Module]]':
    """The timed parts: top-level models and each decode-head child.

    Args:
        model (nn.Module): An ``AVEncoderDecoder``.

    Returns:
        OrderedDict: part name (its module path) -> modules whose calls
        count for it (the members of a ``ModuleList``).
    """
    parts: 'OrderedDict[str, List[nn.Module]]' = OrderedDict()
    for name in ('backbone', 'audio_backbone', 'neck'):
        module = getattr(model, name, None)
        if isinstance(module, nn.Module):
            parts[name] = [module]
    head = model.decode_head
    for name, child in head.named_children():
        members = list(child) if isinstance(child, nn.ModuleList) else [child]
        parts[f'decode_head.{name}'] = members
    return parts


class PartTimer:
    """Forward hooks that add up the wall time of each part's calls.

    Nested calls of the same part (a module calling itself) count once.

    Args:
        parts (dict): name -> modules, as :func:`model_parts` returns.
        device (torch.device): CUDA work is synchronised at every hook.
    """

    def __init__(self, parts: Dict[str, List[nn.Module]],
                 device: torch.device) -> None:
        self.device = device
        self.totals = {name: 0.0 for name in parts}
        self._start: Dict[str, float] = {}
        self._depth = {name: 0 for name in parts}
        self._handles = []
        self._wrapped = []
        for name, modules in parts.items():
            for module in modules:
                self._handles.append(
                    module.register_forward_pre_hook(self._pre(name)))
                self._handles.append(
                    module.register_forward_hook(self._post(name)))

    def _pre(self, name: str) -> Callable:

        def hook(module, args):
            if self._depth[name] == 0:
                _sync(self.device)
                self._start[name] = time.perf_counter()
            self._depth[name] += 1

        return hook

    def _post(self, name: str) -> Callable:

        def hook(module, args, output):
            self._depth[name] -= 1
            if self._depth[name] == 0:
                _sync(self.device)
                self.totals[name] += time.perf_counter() - self._start[name]

        return hook

    def reset(self) -> None:
        """Zero the totals."""
        self.totals = {name: 0.0 for name in self.totals}

    def wrap_method(self, name: str, module: nn.Module, method: str) -> None:
        """Time calls of ``module.<method>`` as part ``name`` (for a method
        the caller invokes directly, bypassing the hooks: the segmentor
        calls ``decode_head.forward``)."""
        self.totals.setdefault(name, 0.0)
        self._depth.setdefault(name, 0)
        original = getattr(module, method)
        pre, post = self._pre(name), self._post(name)

        def timed(*args, **kwargs):
            pre(module, args)
            out = original(*args, **kwargs)
            post(module, args, out)
            return out

        setattr(module, method, timed)
        self._wrapped.append((module, method))

    def remove(self) -> None:
        """Remove the hooks and the method wrappers."""
        for handle in self._handles:
            handle.remove()
        for module, method in self._wrapped:
            delattr(module, method)


def part_macs(model: nn.Module, batch: dict,
              parts: Dict[str, List[nn.Module]]) -> Dict[str, int]:
    """Multiply-adds of each part on ``batch`` (mmengine's counter).

    Args:
        model (nn.Module): An ``AVEncoderDecoder`` in eval mode.
        batch (dict): Its synthetic batch.
        parts (dict): As :func:`model_parts` returns.

    Returns:
        dict: part name -> MACs, and ``'total'``.
    """
    from mmavs.utils.complexity import flop_analyzer, no_mha_fastpath
    analyzer = flop_analyzer(model, batch)
    with no_mha_fastpath(), torch.no_grad():
        by_module = analyzer.by_module()
    names = {id(m): n for n, m in model.named_modules()}
    macs = {}
    for name, modules in parts.items():
        macs[name] = sum(
            by_module.get('model.' + names[id(m)], 0) for m in modules)
    macs['decode_head'] = by_module.get('model.decode_head', 0)
    macs['total'] = analyzer.total()
    return macs


def profile(args: argparse.Namespace) -> dict:
    """Run the profile; returns the rows and the GEMM rate.

    Returns:
        dict: ``gemm_gflops`` (float), ``rows`` (list of (name, seconds,
        MACs or None)), ``backward`` and ``step`` seconds (train mode),
        ``num_frames``.
    """
    from mmavs.registry import MODELS
    from mmavs.testing import audio_input_shape, synthetic_av_batch
    from mmavs.utils import load_config, register_all_modules
    register_all_modules()
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    cfg = load_config(args.config, args.cfg_options)
    model = MODELS.build(cfg.model)
    head = model.decode_head
    num_frames = args.num_frames or (10 if head.out_channels > 1 else 5)
    batch = synthetic_av_batch(
        num_clips=args.batch_size,
        num_frames=num_frames,
        size=args.size,
        audio_shape=audio_input_shape(cfg.model.audio_backbone),
        num_classes=head.num_classes)
    parts = model_parts(model)
    model.eval()
    macs = part_macs(model, batch, parts)
    model.to(device)
    data = dict(
        inputs=dict(
            frames=batch['inputs']['frames'].to(device),
            audio=batch['inputs']['audio'].to(device),
            num_frames=num_frames),
        data_samples=[s.to(device) for s in batch['data_samples']])
    gemm = gemm_gflops(args.gemm_size, device)

    timer = PartTimer(parts, device)
    timer.wrap_method('decode_head', head, 'forward')
    train = args.mode == 'train'
    optimizer = None
    if train:
        model.train()
        optimizer = torch.optim.SGD(
            [p for p in model.parameters() if p.requires_grad], lr=1e-8)
    runs, backward, step = [], [], []
    for i in range(args.warmup + args.repeats):
        timer.reset()
        _sync(device)
        start = time.perf_counter()
        if train:
            losses = model(**data, mode='loss')
            loss = sum(v for k, v in losses.items() if 'loss' in k)
            _sync(device)
            fwd_end = time.perf_counter()
            optimizer.zero_grad()
            loss.backward()
            _sync(device)
            bwd_end = time.perf_counter()
            optimizer.step()
            _sync(device)
            if i >= args.warmup:
                backward.append(bwd_end - fwd_end)
                step.append(time.perf_counter() - bwd_end)
        else:
            with torch.no_grad():
                model(**data, mode='tensor')
            _sync(device)
            fwd_end = time.perf_counter()
        if i >= args.warmup:
            runs.append((fwd_end - start, dict(timer.totals)))
    timer.remove()

    head_children = [
        n for n in parts if n.startswith('decode_head.')
        and not n.startswith('decode_head.loss')
    ]
    top = [
        n for n in ('backbone', 'audio_backbone', 'neck', 'decode_head')
        if n in timer.totals
    ]
    for forward, totals in runs:
        # per run, so that the derived rows are consistent with the others;
        # the losses run after the head's forward (they count in 'other')
        totals['decode_head.(rest)'] = totals['decode_head'] - sum(
            totals[n] for n in head_children)
        totals['other'] = forward - sum(totals[n] for n in top)
        totals['forward total'] = forward

    def median(key):
        return statistics.median(r[1][key] for r in runs)

    rows = []
    for name in parts:
        if name.startswith('decode_head.') and 'decode_head' not in [
                r[0] for r in rows
        ]:
            rows.append(
                ('decode_head', median('decode_head'), macs['decode_head']))
        if median(name) > 0 or macs[name]:
            rows.append((name, median(name), macs[name]))
    rows.append(('decode_head.(rest)', median('decode_head.(rest)'), None))
    counted = sum(macs[n] for n in top)
    rows.append(('other', median('other'), macs['total'] - counted))
    rows.append(('forward total', median('forward total'), macs['total']))
    out = dict(
        gemm_gflops=gemm, rows=rows, num_frames=num_frames, device=device)
    if train:
        out['backward'] = statistics.median(backward)
        out['step'] = statistics.median(step)
    return out


def format_table(result: dict, gemm_size: int) -> str:
    """The printed table of :func:`profile`'s result."""
    gemm = result['gemm_gflops']
    lines = [
        f'GEMM reference ({gemm_size}^3 float32 matmul, same run): '
        f'{gemm:.1f} GFLOP/s',
        f'{"part":<34} {"time s":>8} {"GMACs":>8} {"GFLOP/s":>8} '
        f'{"% GEMM":>7} {"x backbone":>10}'
    ]
    backbone = next((t for n, t, _ in result['rows'] if n == 'backbone'), None)
    for name, seconds, macs in result['rows']:
        if macs and seconds >= 1e-3:  # no rate of an unmeasurable time
            rate = 2 * macs / seconds / 1e9
            share = 100 * rate / gemm
            cols = f'{macs / 1e9:>8.2f} {rate:>8.1f} {share:>6.0f}%'
        elif macs:
            cols = f'{macs / 1e9:>8.2f} {"-":>8} {"-":>7}'
        else:
            cols = f'{"-":>8} {"-":>8} {"-":>7}'
        ratio = f'{seconds / backbone:>10.2f}' if backbone else f'{"-":>10}'
        lines.append(f'{name:<34} {seconds:>8.3f} {cols} {ratio}')
    if 'backward' in result:
        lines.append(f'{"backward":<34} {result["backward"]:>8.3f}')
        lines.append(f'{"optimizer step":<34} {result["step"]:>8.3f}')
    return '\n'.join(lines)


def main(argv=None) -> None:
    args = parse_args(argv)
    result = profile(args)
    print(f'config: {args.config}\nmode: {args.mode}, device: '
          f'{result["device"]}, threads: {torch.get_num_threads()}, '
          f'{args.batch_size} clip(s) x T={result["num_frames"]} at '
          f'{args.size}x{args.size}, median of {args.repeats}')
    print(format_table(result, args.gemm_size))


if __name__ == '__main__':
    main()
