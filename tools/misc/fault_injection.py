# Copyright (c) mmavs contributors. All rights reserved.
"""Inject faults into a temporary SynthAVS tree and run the tools on it.

Each case breaks one thing (a checkpoint whose pickle would create a file,
a checkpoint of another model, a misspelt split, a truncated wav, a mask of
an unknown class, an exploding learning rate, a corrupt checkpoint, a
missing CSV column, missing or corrupt files, config typos ...) on a fresh
copy of a small generated SynthAVS tree, runs ``tools/train.py`` or
``tools/test.py`` as a user would, and compares the outcome with what is
expected: success, or an error whose text names what it must (the file,
row, clip, class, iteration ...), plus side conditions (the payload file is
never created, no checkpoint of a bad iteration is written).

Prints a table ``case | expected | outcome | verdict`` and exits with 1 if
any outcome differs from its expectation.

Examples::

    python tools/misc/fault_injection.py                 # every case
    python tools/misc/fault_injection.py --cases split pad --jobs 1
    python tools/misc/fault_injection.py --work-dir /tmp/fi --keep
"""
import argparse
import os
import os.path as osp
import re
import shutil
import sys
import tempfile
import textwrap
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

MS3_CONFIG = 'configs/film/film_simpleconv_1xb4-300it_synthavs-ms3-64x64.py'
AVSS_CONFIG = ('configs/ravs/'
               'ravs_simpleconv_1xb4-300it_synthavs-avss-64x64.py')
MS3_CSV = 'Multi-sources/ms3_meta_data.csv'
MS3_DATA = 'Multi-sources/ms3_data'
#: Index of LoadAVAudio in the SynthAVS test pipelines.
TEST_AUDIO_STEP = 1


@dataclass
class Case:
    """One fault and the outcome it must have.

    Attributes:
        name (str): Short name (``--cases`` selects by substring).
        expect (str): ``'ok'`` or ``'error'``.
        show (tuple[str]): Texts the tool's output must contain (formatted
            with the case's paths, see :meth:`Context.paths`).
        command (Callable): ``ctx -> tool argv`` (after preparing).
        prepare (Callable, optional): ``ctx -> None``, breaks the data.
        check (Callable, optional): ``ctx -> problem text or None``,
            side conditions checked after the run.
        describe (str): What is expected, for the table.
    """
    name: str
    expect: str
    show: Tuple[str, ...]
    command: Callable
    prepare: Optional[Callable] = None
    check: Optional[Callable] = None
    describe: str = ''


@dataclass
class Context:
    """The paths of one case (a fresh data copy and work dir)."""
    case_dir: str
    data: str
    work: str
    shared: Dict[str, str] = field(default_factory=dict)

    def paths(self) -> Dict[str, str]:
        """Names usable in :attr:`Case.show` (``{data}``, ``{work}`` ...)."""
        return dict(
            self.shared, case=self.case_dir, data=self.data, work=self.work)


# ---------------------------------------------------------------------------
# tool command lines
# ---------------------------------------------------------------------------
def data_options(root: str, layout: str = '', max_iters: int = 2) -> List[str]:
    """``--cfg-options`` for a small CPU run on the tree ``root``."""
    from mmavs.testing import small_run_options
    return small_run_options(
        root, layout, max_iters=max_iters, checkpoint_interval=1)


def train(ctx: Context,
          *extra: str,
          config: str = MS3_CONFIG,
          max_iters: int = 2,
          options: Sequence[str] = (),
          work: Optional[str] = None) -> List[str]:
    return (['tools/train.py', config, '--work-dir', work or ctx.work] +
            list(extra) + ['--cfg-options'] + data_options(
                ctx.data, '' if config == MS3_CONFIG else 'AVSS', max_iters) +
            list(options))


def test(ctx: Context,
         checkpoint: str,
         *extra: str,
         config: str = MS3_CONFIG,
         options: Sequence[str] = ()) -> List[str]:
    return (['tools/test.py', config, checkpoint, '--work-dir', ctx.work] +
            list(extra) + ['--cfg-options'] +
            data_options(ctx.data, '' if config == MS3_CONFIG else 'AVSS') +
            list(options))


# ---------------------------------------------------------------------------
# data faults
# ---------------------------------------------------------------------------
def _csv_rows(path: str):
    import pandas as pd
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _first_test_clip(ctx: Context) -> str:
    table = _csv_rows(osp.join(ctx.data, MS3_CSV))
    return str(table[table['split'] == 'test'].iloc[0, 0])


def misspell_split(ctx: Context) -> None:
    path = osp.join(ctx.data, MS3_CSV)
    table = _csv_rows(path)
    row = int(table.index[table['split'] == 'test'][-1])
    table.loc[row, 'split'] = 'tset'
    table.to_csv(path, index=False)
    ctx.shared['row'] = str(row + 2)


def drop_case_column(ctx: Context) -> None:
    path = osp.join(ctx.data, MS3_CSV)
    _csv_rows(path).drop(columns=['case']).to_csv(path, index=False)


def truncate_wav(ctx: Context) -> None:
    import soundfile as sf
    clip = _first_test_clip(ctx)
    path = osp.join(ctx.data, MS3_DATA, 'audio_wav', 'test', clip + '.wav')
    audio, sr = sf.read(path)
    sf.write(path, audio[:len(audio) // 2], sr)
    ctx.shared['wav'] = path


def _ms3_frame(ctx: Context, frame: int = 3) -> str:
    clip = _first_test_clip(ctx)
    return osp.join(ctx.data, MS3_DATA, 'visual_frames', clip,
                    f'{clip}.mp4_{frame}.png')


def _ms3_mask(ctx: Context, frame: int = 2) -> str:
    clip = _first_test_clip(ctx)
    return osp.join(ctx.data, MS3_DATA, 'gt_masks', 'test', clip,
                    f'{clip}_{frame}.png')


def remove_frame(ctx: Context) -> None:
    ctx.shared['frame'] = _ms3_frame(ctx)
    os.remove(ctx.shared['frame'])


def corrupt_frame(ctx: Context) -> None:
    ctx.shared['frame'] = _ms3_frame(ctx)
    with open(ctx.shared['frame'], 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n this is not an image')


def resize_mask(ctx: Context) -> None:
    import cv2
    import numpy as np
    ctx.shared['mask'] = _ms3_mask(ctx)
    cv2.imwrite(ctx.shared['mask'], np.zeros((10, 12), np.uint8))


def corrupt_wav(ctx: Context) -> None:
    clip = _first_test_clip(ctx)
    path = osp.join(ctx.data, MS3_DATA, 'audio_wav', 'test', clip + '.wav')
    with open(path, 'wb') as f:
        f.write(b'RIFF....WAVEfmt garbage')
    ctx.shared['wav'] = path


def nan_in_log_mel(ctx: Context) -> None:
    import pickle

    import torch

    from mmavs.datasets.audio_io import load_audio_feature
    clip = _first_test_clip(ctx)
    path = osp.join(ctx.data, MS3_DATA, 'audio_log_mel', 'test', clip + '.pkl')
    feat = load_audio_feature(path)  # tensor-only unpickling
    feat[2, 0, 5, 7] = float('nan')
    with open(path, 'wb') as f:
        pickle.dump(torch.as_tensor(feat), f)
    ctx.shared['pkl'] = path


def paint_class_10(ctx: Context) -> None:
    """An AVSS test mask in the colour of class 10 (9-class config)."""
    import cv2
    import numpy as np
    from mmavs.datasets import avss_palette
    table = _csv_rows(osp.join(ctx.data, 'AVSS', 'metadata.csv'))
    row = table[table['split'] == 'test'].iloc[0]
    path = osp.join(ctx.data, 'AVSS', row['label'], row['uid'], 'labels_rgb',
                    '0.png')
    mask = cv2.imread(path)
    mask[:4, :4] = avss_palette()[10][::-1]  # BGR
    cv2.imwrite(path, mask)
    ctx.shared.update(mask=path, clip=row['uid'])


def write_last_checkpoint(ctx: Context, target: str) -> None:
    os.makedirs(ctx.work, exist_ok=True)
    with open(osp.join(ctx.work, 'last_checkpoint'), 'w') as f:
        f.write(target)


def malicious_in_work_dir(ctx: Context) -> None:
    os.makedirs(ctx.work, exist_ok=True)
    path = osp.join(ctx.work, 'iter_1.pth')
    shutil.copy(ctx.shared['evil'], path)
    write_last_checkpoint(ctx, path)


def interrupted_run(ctx: Context) -> None:
    """The baseline run's work dir as if killed after iteration 1."""
    shutil.copytree(ctx.shared['base'], ctx.work)
    os.remove(osp.join(ctx.work, 'iter_2.pth'))
    write_last_checkpoint(ctx, osp.join(ctx.work, 'iter_1.pth'))


def marker_absent(ctx: Context) -> Optional[str]:
    marker = ctx.shared['marker']
    return f'payload ran: {marker} exists' if osp.exists(marker) else None


def marker_present(ctx: Context) -> Optional[str]:
    marker = ctx.shared['marker']
    return None if osp.exists(marker) else f'{marker} was not created'


def only_first_checkpoint(ctx: Context) -> Optional[str]:
    saved = sorted(f for f in os.listdir(ctx.work) if f.endswith('.pth'))
    return (None if saved == ['iter_1.pth'] else
            f'checkpoints written: {saved}, expected only iter_1.pth')


def file_written(name: str) -> Callable:

    def check(ctx: Context) -> Optional[str]:
        path = osp.join(ctx.work, name)
        return None if osp.isfile(path) else f'{path} was not written'

    return check


def _write(content: bytes, name: str) -> Callable:

    def prepare(ctx: Context) -> None:
        path = osp.join(ctx.case_dir, name)
        with open(path, 'wb') as f:
            f.write(content)
        ctx.shared['ckpt'] = path

    return prepare


def _truncated_checkpoint(ctx: Context) -> None:
    with open(ctx.shared['base_ckpt'], 'rb') as f:
        data = f.read()
    _write(data[:len(data) // 3], 'truncated.pth')(ctx)


def _pretrained_evil(ctx: Context) -> List[str]:
    return train(
        ctx,
        options=[
            'model.backbone.init_cfg.type=Pretrained',
            f'model.backbone.init_cfg.checkpoint={ctx.shared["evil"]}'
        ])


def _seq(*steps: Callable) -> Callable:

    def run(ctx: Context):
        for step in steps:
            step(ctx)

    return run


def _all(*checks: Callable) -> Callable:

    def run(ctx: Context):
        problems = [p for p in (c(ctx) for c in checks) if p]
        return '; '.join(problems) or None

    return run


# ---------------------------------------------------------------------------
# the cases
# ---------------------------------------------------------------------------
ALLOW = 'holds objects outside the allow-list'
UNREADABLE = 'is not a readable checkpoint'


def build_cases() -> List[Case]:
    evil_refused = ('{evil}', ALLOW)
    cases = [
        # no code runs from a checkpoint, whatever the config says
        Case(
            'load_from-payload',
            'error',
            evil_refused,
            lambda c: train(c, options=[f'load_from={c.shared["evil"]}']),
            check=marker_absent,
            describe='refused, names the file; payload never runs'),
        Case(
            'auto-resume-payload',
            'error', ('{work}/iter_1.pth', ALLOW),
            lambda c: train(c, '--resume'),
            prepare=malicious_in_work_dir,
            check=marker_absent,
            describe='refused, names the file; payload never runs'),
        Case(
            'auto-resume-outside-work-dir',
            'error', ('{evil}', 'outside the work dir', '--resume {evil}'),
            lambda c: train(c, '--resume'),
            prepare=lambda c: write_last_checkpoint(c, c.shared['evil']),
            check=marker_absent,
            describe='refused: last_checkpoint leads outside the work dir'),
        Case(
            'resume-PATH-payload',
            'error',
            evil_refused,
            lambda c: train(c, '--resume', c.shared['evil']),
            check=marker_absent,
            describe='explicit --resume PATH is still loaded safely'),
        Case(
            'init_cfg-Pretrained-payload',
            'error',
            evil_refused,
            _pretrained_evil,
            check=marker_absent,
            describe='refused, names the file; payload never runs'),
        Case(
            'test-payload',
            'error',
            evil_refused,
            lambda c: test(
                c,
                c.shared['evil'],
                options=['unsafe_load=True', 'weights_only=False']),
            check=marker_absent,
            describe='refused, names the file; payload never runs (config '
            'keys cannot unlock it)'),
        Case(
            'test-payload-unsafe-load-flag',
            'ok', ('--unsafe-load: unpickling {evil}', ),
            lambda c: test(c, c.shared['evil'], '--unsafe-load'),
            check=marker_present,
            describe='--unsafe-load runs it, with a warning naming it'),
        Case(
            'real-checkpoint-auto-resume',
            'ok', ('Auto resumed from the latest checkpoint {work}/iter_1.pth',
                   'Iter(train) [2/2]'),
            lambda c: train(c, '--resume'),
            prepare=interrupted_run,
            check=file_written('iter_2.pth'),
            describe='a tools/train.py checkpoint resumes'),
        Case(
            'real-checkpoint-test',
            'ok', ('metrics written to', 'holds 4 train, 2 val, 3 test row(s)',
                   "split 'test': 3 clip(s) loaded"),
            lambda c: test(c, c.shared['base_ckpt']),
            check=file_written('metrics.json'),
            describe='a tools/train.py checkpoint tests; the clips per '
            'split are logged'),
        # a wrong checkpoint is refused
        Case(
            'test-wrong-model-checkpoint',
            'error', ('checkpoint {avss_ckpt} does not fit the model',
                      'of the model are not in the checkpoint', ' more',
                      'allow_partial_checkpoint=True'),
            lambda c: test(c, c.shared['avss_ckpt']),
            describe='refused, lists the first keys, counts the rest'),
        Case(
            'test-wrong-model-allow-partial',
            'ok', ('allow_partial_checkpoint=True: loading checkpoint '
                   '{avss_ckpt} partially', 'metrics written to'),
            lambda c: test(
                c,
                c.shared['avss_ckpt'],
                options=['allow_partial_checkpoint=True']),
            describe='--cfg-options relaxes it, saying so in the log'),
        # every metadata row is accounted for
        Case(
            'misspelt-split',
            'error', ('{data}/' + MS3_CSV + ' row {row}', "'tset'",
                      "('train', 'val', 'test')"),
            lambda c: test(c, c.shared['base_ckpt']),
            prepare=misspell_split,
            describe='error names the CSV, the row, the allowed values'),
        Case(
            'missing-meta-column',
            'error',
            ('{data}/' + MS3_CSV + " lacks the meta column(s) ['case']", ),
            lambda c: test(c, c.shared['base_ckpt']),
            prepare=drop_case_column,
            describe='reported once, for the file'),
        # short audio
        Case(
            'truncated-wav',
            'error', ('{wav}', 'lasts 2.500 s', 'needs 4.815 s',
                      "pad_mode='repeat' or 'zeros'"),
            lambda c: test(c, c.shared['base_ckpt']),
            prepare=truncate_wav,
            describe='error names the file and both durations'),
        Case(
            'truncated-wav-pad-repeat',
            'ok', ('{wav}', 'lasts 2.500 s', "padded with pad_mode='repeat'",
                   '1 clip(s) padded so far'),
            lambda c: test(
                c,
                c.shared['base_ckpt'],
                options=[
                    f'test_dataloader.dataset.pipeline.{TEST_AUDIO_STEP}.'
                    'pad_mode=repeat'
                ]),
            prepare=truncate_wav,
            describe='opt-in padding, counted in a warning'),
        # semantic labels in range
        Case(
            'avss-class-out-of-range',
            'error', ('clip {clip}', '{mask}', 'class 10', "'bus'",
                      'outside the 9 classes'),
            lambda c: test(c, c.shared['avss_ckpt'], config=AVSS_CONFIG),
            prepare=paint_class_10,
            describe='error names the clip, the file and the class'),
        # non-finite values
        Case(
            'exploding-lr-stops',
            'error',
            ('Iteration 2 (Iter(train) [2/2])', 'non-finite loss',
             'decode.loss_ce=', 'clips of the batch:', 'Training stopped'),
            lambda c: train(c, options=['optim_wrapper.optimizer.lr=1e30']),
            check=only_first_checkpoint,
            describe='stops, names iteration/terms/clips; saves nothing'),
        Case(
            'exploding-lr-skip',
            'ok',
            ('The optimizer step was skipped', '1 step(s) skipped so far',
             'clips of the batch:'),
            lambda c: train(
                c,
                options=[
                    'optim_wrapper.optimizer.lr=1e30',
                    'custom_hooks.0.policy=skip',
                    # the exploded weights make validation NaN: no validation
                    'val_dataloader=None',
                    'val_cfg=None',
                    'val_evaluator=None'
                ]),
            check=file_written('iter_2.pth'),
            describe="policy='skip' skips and counts"),
        Case(
            'nan-in-log-mel-file',
            'error', ('{pkl}', 'NaN or inf', 'row(s) [2]'),
            lambda c: test(
                c,
                c.shared['base_ckpt'],
                options=[
                    f'test_dataloader.dataset.pipeline.{TEST_AUDIO_STEP}.'
                    'representation=feature',
                    'test_dataloader.dataset.data_prefix.audio_feat_path='
                    f'{MS3_DATA}/audio_log_mel'
                ]),
            prepare=nan_in_log_mel,
            describe='error names the feature file'),
        # messages
        Case(
            'empty-checkpoint',
            'error', ('{ckpt} ' + UNREADABLE, 'empty'),
            lambda c: test(c, c.shared['ckpt']),
            prepare=_write(b'', 'empty.pth'),
            describe='names the path, not a readable checkpoint'),
        Case(
            'truncated-checkpoint',
            'error', ('{ckpt} ' + UNREADABLE, ),
            lambda c: test(c, c.shared['ckpt']),
            prepare=_truncated_checkpoint,
            describe='names the path, not a readable checkpoint'),
        # earlier bad-input cases
        Case(
            'missing-checkpoint',
            'error', ('{case}/nope.pth', 'does not exist'),
            lambda c: test(c, osp.join(c.case_dir, 'nope.pth')),
            describe='names the missing file'),
        Case(
            'missing-config',
            'error', ('no_such_config.py', 'does not exist'),
            lambda c: ['tools/train.py', 'configs/no_such_config.py'],
            describe='names the missing config'),
        Case(
            'unknown-component-type',
            'error', ('NoSuchNeck', ),
            lambda c: train(c, options=['model.neck.type=NoSuchNeck']),
            describe='names the unknown type'),
        Case(
            'config-key-typo',
            'error', ('num_clases', ),
            lambda c: train(c, options=['model.decode_head.num_clases=2']),
            describe='names the misspelt key'),
        Case(
            'missing-data-root',
            'error', ('no_such_data_root', ),
            lambda c: [
                'tools/train.py', MS3_CONFIG, '--work-dir', c.work,
                '--cfg-options'
            ] + data_options(osp.join(c.case_dir, 'no_such_data_root')),
            describe='names the missing folder'),
        Case(
            'missing-frame',
            'error', ('{frame}', 'not found'),
            lambda c: test(c, c.shared['base_ckpt']),
            prepare=remove_frame,
            describe='names the missing frame file'),
        Case(
            'corrupt-frame',
            'error', ('{frame}', 'cannot decode'),
            lambda c: test(c, c.shared['base_ckpt']),
            prepare=corrupt_frame,
            describe='names the undecodable frame'),
        Case(
            'wrong-size-mask',
            'error', ('{mask}', 'has size'),
            lambda c: test(c, c.shared['base_ckpt']),
            prepare=resize_mask,
            describe='names the mask and both sizes'),
        Case(
            'corrupt-wav',
            'error', ('{wav}', 'cannot read audio file'),
            lambda c: test(c, c.shared['base_ckpt']),
            prepare=corrupt_wav,
            describe='names the unreadable audio file'),
    ]
    import torch
    if not torch.cuda.is_available():
        cases.append(
            Case(
                'amp-on-cpu',
                'error', ('--amp needs a GPU', ),
                lambda c: train(c, '--amp'),
                describe='refused clearly (AMP needs a GPU)'))
    return cases


# ---------------------------------------------------------------------------
# running
# ---------------------------------------------------------------------------
def setup(root: str, synthavs: Optional[str]) -> Dict[str, str]:
    """Data, a real trained checkpoint, another model's checkpoint and a
    checkpoint whose pickle would create a file."""
    from mmavs.testing import run_tool
    data = osp.join(root, 'synthavs')
    if synthavs:
        shutil.copytree(synthavs, data)
    else:
        from mmavs.synthavs import generate_synthavs
        generate_synthavs(
            data,
            layouts=('ms3', 'avss'),
            num_train=4,
            num_val=2,
            num_test=3,
            image_size=32,
            write_log_mel=True,
            overwrite=True)
    base = osp.join(root, 'base')
    ctx = Context(root, data, base)
    run_tool(train(ctx, max_iters=2))
    base_ckpt = osp.join(base, 'iter_2.pth')
    avss_ckpt = osp.join(root, 'avss_model.pth')
    _save_initial_weights(AVSS_CONFIG, avss_ckpt)
    return dict(
        base=base, base_ckpt=base_ckpt, avss_ckpt=avss_ckpt, data_master=data)


def _save_initial_weights(config: str, path: str) -> None:
    """A checkpoint of ``config``'s model as initialised (another model)."""
    import warnings

    import torch
    from mmavs.registry import MODELS
    from mmavs.utils import load_config, register_all_modules
    register_all_modules()
    cfg = load_config(osp.join(ROOT, config))
    with warnings.catch_warnings():  # mmseg's build_loss deprecation
        warnings.simplefilter('ignore', UserWarning)
        model = MODELS.build(cfg.model)
    torch.save({'meta': {}, 'state_dict': model.state_dict()}, path)


def run_case(case: Case, root: str, shared: Dict[str, str]) -> dict:
    from mmavs.compat.checkpoint import load_from_local_safe
    from mmavs.testing import run_tool, write_malicious_checkpoint
    case_dir = osp.join(root, case.name)
    os.makedirs(case_dir)
    data = osp.join(case_dir, 'data')
    shutil.copytree(shared['data_master'], data)
    ctx = Context(case_dir, data, osp.join(case_dir, 'work'), dict(shared))
    # the trained weights with a payload that would create a file
    ctx.shared['marker'] = osp.join(case_dir, 'PAYLOAD_RAN')
    state = load_from_local_safe(
        shared['base_ckpt'], map_location='cpu')['state_dict']
    ctx.shared['evil'] = write_malicious_checkpoint(
        osp.join(case_dir, 'evil.pth'), ctx.shared['marker'], state_dict=state)
    if case.prepare:
        case.prepare(ctx)
    proc = run_tool(case.command(ctx), check=False)
    output = proc.stdout + proc.stderr
    outcome = 'ok' if proc.returncode == 0 else 'error'
    problems = []
    if outcome != case.expect:
        problems.append(f'exit code {proc.returncode}')
    for text in case.show:
        text = text.format(**ctx.paths())
        if text not in output:
            problems.append(f'output lacks {text!r}')
    if case.check:
        problem = case.check(ctx)
        if problem:
            problems.append(problem)
    return dict(
        name=case.name,
        expected=f'{case.expect}: {case.describe}',
        outcome=_summary(outcome, proc.stderr, root),
        problems=problems,
        output=output)


def _summary(outcome: str, stderr: str, root: str) -> str:
    if outcome == 'ok':
        return 'ok'
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    errors = [
        line for line in lines if re.match(r'^[\w.]+(Error|Exception)'
                                           r'\b', line)
    ]
    last = (errors or lines or ['(no output)'])[-1].replace(root, '<tmp>')
    return f'error: {last}'


def print_table(results: List[dict], width: int) -> None:
    cols = ('case', 'expected', 'outcome', 'verdict')
    name_width = max(len(r['name']) for r in results)
    widths = (name_width, 44, max(30, width - name_width - 44 - 8 - 9), 7)
    line = '+'.join('-' * (w + 2) for w in widths)
    print(line)
    print('|'.join(f' {c:<{w}} ' for c, w in zip(cols, widths)))
    print(line)
    for r in results:
        verdict = 'DIFF' if r['problems'] else 'same'
        cells = [
            textwrap.wrap(text, w) or ['']
            for text, w in zip((r['name'], r['expected'], r['outcome'],
                                verdict), widths)
        ]
        for i in range(max(len(c) for c in cells)):
            print('|'.join(f' {(c[i] if i < len(c) else ""):<{w}} '
                           for c, w in zip(cells, widths)))
        print(line)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--cases',
        nargs='+',
        help='run the cases whose name contains one '
        'of these strings (default: all)')
    parser.add_argument(
        '--work-dir',
        help='where to build the trees (default: a new '
        'temporary folder, removed afterwards unless --keep)')
    parser.add_argument(
        '--keep', action='store_true', help='keep the work dir')
    parser.add_argument(
        '--synthavs',
        help='copy this SynthAVS tree (with '
        'the ms3 and avss layouts and log-mel files) instead '
        'of generating a small one')
    parser.add_argument(
        '--jobs', type=int, default=2, help='cases run at once (default 2)')
    parser.add_argument(
        '--width', type=int, default=160, help='table width in characters')
    parser.add_argument(
        '--show-output',
        action='store_true',
        help='print the tool output of differing cases')
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    cases = build_cases()
    if args.cases:
        cases = [c for c in cases if any(s in c.name for s in args.cases)]
        if not cases:
            raise SystemExit(f'no case matches {args.cases}')
    root = args.work_dir or tempfile.mkdtemp(prefix='mmavs_faults_')
    os.makedirs(root, exist_ok=True)
    try:
        shared = setup(root, args.synthavs)
        with ThreadPoolExecutor(max(1, args.jobs)) as pool:
            results = list(
                pool.map(lambda c: run_case(c, root, shared), cases))
        print_table(results, args.width)
        differ = [r for r in results if r['problems']]
        for r in differ:
            print(f'{r["name"]}: ' + '; '.join(r['problems']))
            if args.show_output:
                print(r['output'][-4000:])
        print(f'{len(results) - len(differ)} of {len(results)} cases '
              'behave as expected')
        return 1 if differ else 0
    finally:
        if args.keep or args.work_dir:
            print(f'trees and outputs kept in {root}')
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
