# Copyright (c) mmavs contributors. All rights reserved.
"""tools/analysis_tools/metric_audit.py on hand-computed fixtures."""
import json
import math
import os.path as osp
import pickle

import pytest
import torch

from mmavs.evaluation.metrics import DumpAVSResults
from mmavs.evaluation.metrics.dump_av_results import load_av_results
from mmavs.testing import run_tool

TOOL = 'tools/analysis_tools/metric_audit.py'


def _logit(p):
    return math.log(p / (1 - p))


def _frame(clip_id, probs, gt, idx=0, num_frames=1, **meta):
    """A 2x2 binary frame sample as ``SegDataSample.to_dict()`` gives it."""
    logits = torch.tensor([_logit(p) for p in probs]).view(1, 2, 2)
    return dict(
        clip_id=clip_id,
        frame_idx=idx,
        num_frames=num_frames,
        seg_logits=dict(data=logits),
        gt_sem_seg=dict(data=torch.tensor(gt).view(1, 2, 2)),
        **meta)


#: A: F peaks at a high threshold, B at a low one, C has an empty ground
#: truth. Pixel probabilities and ground truth, one frame per clip.
CLIPS = {
    'A': ([0.9, 0.8, 0.05, 0.05], [1, 0, 0, 0]),
    'B': ([0.6, 0.6, 0.05, 0.05], [1, 1, 0, 0]),
    'C': ([0.7, 0.1, 0.1, 0.1], [0, 0, 0, 0]),
}


def _dump(path, batches):
    """Write a predictions file the way tools/test.py --out does."""
    dumper = DumpAVSResults(out_file_path=str(path))
    for batch in batches:
        dumper.process(None, [_frame(c, *CLIPS[c]) for c in batch])
    dumper.compute_metrics(dumper.results)
    return str(path)


def _audit(preds, tmp_path, *args):
    out = tmp_path / 'rows.json'
    proc = run_tool([TOOL, preds, '--json', str(out), *args])
    with open(out) as f:
        rows = {r['convention']: r for r in json.load(f)}
    return rows, proc.stdout


def test_help():
    assert 'conventions' in run_tool([TOOL, '--help']).stdout


def test_every_binary_convention_against_hand_computed_values(tmp_path):
    preds = _dump(tmp_path / 'preds.pkl', [['A', 'B'], ['C']])
    rows, out = _audit(preds, tmp_path)
    # F of one frame at a threshold t (prob >= t is foreground):
    fa_low = 1.3 * 0.5 / (0.3 * 0.5 + 1)  # A for 0.05 < t <= 0.8: P=1/2, R=1
    # B: F=1 for t <= 0.6, 0 above; A: F=1 for 0.8 < t <= 0.9
    f_ab = (fa_low + 1) / 2  # best threshold of the mean of A and B
    j = (1 / 2 + 1 + 3 / 4) / 3  # C (empty GT): TN / HW = 3/4
    expected = {
        # batches as tested: {A, B}, {C}; an all-empty batch has F = 0
        'per batch, 2 clip(s) as tested': ((0.75 + 0.75) / 2, f_ab / 2),
        'per batch, 1 clip(s)': (j, (1 + 1 + 0) / 3),
        'per batch, 2 clip(s)': ((0.75 + 0.75) / 2, f_ab / 2),
        'per batch, 4 clip(s)': (j, f_ab),
        'per batch, 8 clip(s)': (j, f_ab),
        'per batch, 16 clip(s)': (j, f_ab),
        'per frame, empty GT in J, out of F': (j, f_ab),
        'per frame, empty GT in J and in F': (j, 2 * f_ab / 3),
        # pooled: inter 1+2+0, union 2+2+1; best F at 0.8 < t <= 0.9:
        # TP=1, predicted 1, GT 3 -> P=1, R=1/3
        'pooled over the dataset (F: best threshold)':
        (3 / 5, 1.3 * (1 / 3) / (0.3 + 1 / 3)),
        # at 0.5: TP=3, FP=2, FN=0
        'pooled over the dataset (F: at 0.5)':
        (3 / 5, 1.3 * 3 / (1.3 * 3 + 2)),
    }
    assert set(rows) == set(expected)
    for name, (j_exp, f_exp) in expected.items():
        assert rows[name]['J'] == pytest.approx(j_exp, abs=1e-6), name
        assert rows[name]['F'] == pytest.approx(f_exp, abs=1e-6), name
    # the per-batch F changes with the batch size on this fixture
    per_batch = [rows[f'per batch, {b} clip(s)']['F'] for b in (1, 2, 4)]
    assert len({round(f, 6) for f in per_batch}) == 3
    # every row names a repository
    for row in rows.values():
        assert any(repo in row['source']
                   for repo in ('OpenNLPLab/AVSBench', 'yannqi/COMBO-AVS',
                                'cyh-0/CAVP'))
    assert 'yannqi/COMBO-AVS #7' in rows['per batch, 4 clip(s)']['source']
    assert 'OpenNLPLab/AVSBench #22' in rows[
        'per frame, empty GT in J, out of F']['source']
    assert 'cyh-0/CAVP #6' in rows[
        'pooled over the dataset (F: best threshold)']['source']
    assert 'reproduces' in out and '78.26' in out  # the table, in %


def test_semantic_conventions_against_hand_computed_values(tmp_path):
    """Three classes, one real frame and one padding frame."""

    def frame(idx, pred, gt, valid):
        logits = torch.nn.functional.one_hot(torch.tensor(pred),
                                             3).float().T.reshape(3, 2, 2)
        return dict(
            clip_id='v',
            frame_idx=idx,
            num_frames=2,
            valid=valid,
            seg_logits=dict(data=logits * 5),
            gt_sem_seg=dict(data=torch.tensor(gt).view(1, 2, 2)))

    # frame 0: class 1 predicted on pixels 0-1, labelled on 0 and 2
    # padding frame: class 2 predicted on pixel 3 (label 0 everywhere)
    frames = [
        frame(0, [1, 1, 0, 0], [1, 0, 1, 0], True),
        frame(1, [0, 0, 0, 2], [0, 0, 0, 0], False)
    ]
    dumper = DumpAVSResults(out_file_path=str(tmp_path / 'avss.pkl'))
    dumper.process(None, frames)
    dumper.compute_metrics(dumper.results)
    rows, out = _audit(str(tmp_path / 'avss.pkl'), tmp_path)
    f = 1.3 * 0.5 * 0.5 / (0.3 * 0.5 + 0.5)  # P = R = 1/2
    # corrected (padding excluded): frame 0 only.
    # bg: inter 1 (pixel 3), union 3 -> 1/3, F(P=1/2, R=1/2); class 1:
    # inter 1, union 3 -> 1/3, same F; class 2 never occurs -> 0.
    corrected = ((1 / 3 + 1 / 3 + 0) / 3, (f + f) / 3)
    no_bg = ((1 / 3 + 0) / 2, f / 2)
    # legacy: the padding frame scored with an all-background label:
    # bg IoU 3/4 (F: P = 1, R = 3/4) and class 2 IoU 0 there.
    f_pad = 1.3 * 1 * 0.75 / (0.3 * 1 + 0.75)
    legacy = (((1 / 3 + 3 / 4) / 2 + 1 / 3 + 0) / 3,
              ((f + f_pad) / 2 + f + 0) / 3)
    legacy_no_bg = ((((1 / 3 + 3 / 4) / 2) + 1 / 3) / 2,
                    ((f + f_pad) / 2 + f) / 2)  # drops the last class
    # pooled over frame 0 (CAVP): IoU as above, F nanmean over classes
    # 0 and 1 (class 2: 0/0)
    pooled = ((1 / 3 + 1 / 3 + 0) / 3, f)
    expected = {
        'AVSS legacy: all classes, padding scored': legacy,
        'AVSS legacy noBg (last class dropped)': legacy_no_bg,
        'AVSS corrected: all classes, padding excluded': corrected,
        'AVSS corrected noBg (background dropped)': no_bg,
        'AVSS pooled over the dataset': pooled,
    }
    assert set(rows) == set(expected)
    for name, (j_exp, f_exp) in expected.items():
        assert rows[name]['J'] == pytest.approx(j_exp, abs=1e-6), name
        assert rows[name]['F'] == pytest.approx(f_exp, abs=1e-6), name
    assert 'mIoU&F' in out


def test_predictions_file_loads_weights_only(tmp_path):
    preds = _dump(tmp_path / 'preds.pkl', [['A', 'B', 'C']])
    clips = load_av_results(preds)
    assert [c['clip_id'] for c in clips] == ['A', 'B', 'C']
    assert all(c['batch_clips'] == 3 for c in clips)
    # a plain pickle (which could run code when loaded) is refused
    bad = tmp_path / 'plain.pkl'
    with open(bad, 'wb') as f:
        pickle.dump([dict(frames=[1])], f)
    with pytest.raises(ValueError, match=str(bad)):
        load_av_results(str(bad))
    assert osp.isfile(preds)
