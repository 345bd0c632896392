# Copyright (c) mmavs contributors. All rights reserved.
"""SynthAVS generation: determinism, layouts, proportions, records, masks,
audio, and the dataset classes reading the trees."""
import collections
import csv
import os
import os.path as osp

import numpy as np
import pytest
import soundfile as sf

from mmavs.synthavs import (CASE_TYPES, CLIPS_JSON, DEFAULT_CASE_MIX,
                            LAYOUT_DIRS, LAYOUTS, STAMP_FILE,
                            SynthAVSGenerator, case_counts, generate_synthavs)
from mmavs.testing import repo_root

SEED = 3
SMALL = dict(num_train=14, num_val=7, num_test=7)
CSV_NAMES = dict(
    s4='Single-source/s4_meta_data.csv',
    ms3='Multi-sources/ms3_meta_data.csv',
    avss='AVSS/metadata.csv')


@pytest.fixture(scope='module')
def gen():
    return SynthAVSGenerator(seed=SEED)


@pytest.fixture(scope='module')
def tree(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('synthavs'))
    stamp = generate_synthavs(root, seed=SEED, **SMALL)
    return root, stamp


def _read_csv(root, layout):
    with open(osp.join(root, CSV_NAMES[layout]), newline='') as f:
        return list(csv.DictReader(f))


def _label(layout, case_idx):
    return ('v1s', 'v1m', 'v2')[case_idx % 3] if layout == 'avss' else ''


def _all_cases(gen, layout, per_case=2):
    clips = []
    for ci, case in enumerate(CASE_TYPES):
        if layout == 's4' and case == 'multi_source':
            continue
        for k in range(per_case):
            clips.append(
                gen.make_clip(layout, 'train', 100 * ci + k, case,
                              _label(layout, ci + k)))
    return clips


# ---------------------------------------------------------------------------
# determinism
# ---------------------------------------------------------------------------
def test_same_seed_gives_same_clips(gen):
    other = SynthAVSGenerator(seed=SEED)
    for layout in LAYOUTS:
        label = 'v2' if layout == 'avss' else ''
        a = gen.make_clip(layout, 'val', 5, 'lookalike', label)
        b = other.make_clip(layout, 'val', 5, 'lookalike', label)
        for key in ('frames', 'instances', 'semantic', 'audio'):
            np.testing.assert_array_equal(getattr(a, key), getattr(b, key))
        assert a.sources == b.sources
    changed = SynthAVSGenerator(seed=SEED + 1).make_clip(
        'ms3', 'val', 5, 'lookalike')
    same = gen.make_clip('ms3', 'val', 5, 'lookalike')
    assert not np.array_equal(changed.frames, same.frames)
    assert not np.array_equal(changed.audio, same.audio)


def test_files_are_identical_across_runs_and_workers(tree, tmp_path):
    root, _ = tree
    again = str(tmp_path / 'again')
    generate_synthavs(again, seed=SEED, num_workers=2, **SMALL)

    def listing(base):
        return sorted(
            osp.relpath(osp.join(d, f), base) for d, _, files in os.walk(base)
            for f in files)

    files = listing(root)
    assert files == listing(again)
    assert len(files) > 100
    for rel in files:
        with open(osp.join(root, rel), 'rb') as f1, \
                open(osp.join(again, rel), 'rb') as f2:
            assert f1.read() == f2.read(), rel


# ---------------------------------------------------------------------------
# layouts, proportions, records
# ---------------------------------------------------------------------------
def test_official_layout_paths(tree):
    root, stamp = tree
    s4 = _read_csv(root, 's4')
    assert list(s4[0])[:4] == ['name', 'start', 'category', 'split']
    base = osp.join(root, 'Single-source', 's4_data')
    for row in s4:
        sub = (row['split'], row['category'], row['name'])
        frames = sorted(os.listdir(osp.join(base, 'visual_frames', *sub)))
        masks = sorted(os.listdir(osp.join(base, 'gt_masks', *sub)))
        assert frames == [f"{row['name']}_{i}.png" for i in range(1, 6)]
        # AVSBench S4: only the first frame of a train clip is annotated
        n = 1 if row['split'] == 'train' else 5
        assert masks == [f"{row['name']}_{i}.png" for i in range(1, n + 1)]
        assert osp.isfile(
            osp.join(base, 'audio_wav', row['split'], row['category'],
                     row['name'] + '.wav'))
    ms3 = _read_csv(root, 'ms3')
    assert list(ms3[0])[:2] == ['video_id', 'split']
    base = osp.join(root, 'Multi-sources', 'ms3_data')
    for row in ms3:
        vid, split = row['video_id'], row['split']
        for i in range(1, 6):
            assert osp.isfile(
                osp.join(base, 'visual_frames', vid, f'{vid}.mp4_{i}.png'))
            assert osp.isfile(
                osp.join(base, 'gt_masks', split, vid, f'{vid}_{i}.png'))
        assert osp.isfile(osp.join(base, 'audio_wav', split, vid + '.wav'))
    avss = _read_csv(root, 'avss')
    assert list(avss[0])[:7] == [
        'vid', 'uid', 's_min', 's_sec', 'a_obj', 'split', 'label'
    ]
    for row in avss:
        clip = osp.join(root, 'AVSS', row['label'], row['uid'])
        T = 10 if row['label'] == 'v2' else 5
        assert int(row['num_frames']) == T
        assert sorted(os.listdir(osp.join(clip, 'frames'))) == sorted(
            f'{i}.jpg' for i in range(T))
        n = 1 if (row['label'], row['split']) == ('v1s', 'train') else T
        assert sorted(os.listdir(osp.join(clip, 'labels_rgb'))) == sorted(
            f'{i}.png' for i in range(n))
    for layout in LAYOUTS:
        assert osp.isfile(osp.join(root, LAYOUT_DIRS[layout], CLIPS_JSON))
    assert osp.isfile(osp.join(root, STAMP_FILE))
    assert [c['name'] for c in stamp['categories']] == [
        'vibrato_tone', 'noise_burst', 'chirp', 'am_hum', 'click_train',
        'whistle', 'bell', 'drum'
    ]
    assert stamp['sounds'] == dict(
        kind='procedural', names=[c['name'] for c in stamp['categories']])


@pytest.mark.parametrize('layout', LAYOUTS)
def test_case_proportions_follow_the_mix(tree, layout):
    root, stamp = tree
    rows = _read_csv(root, layout)
    mix = DEFAULT_CASE_MIX[layout]
    total = sum(mix.values())
    for split, n in (('train', 14), ('val', 7), ('test', 7)):
        counts = collections.Counter(r['case'] for r in rows
                                     if r['split'] == split)
        assert sum(counts.values()) == n
        for case in CASE_TYPES:
            assert abs(counts[case] - mix[case] / total * n) < 1, case
        assert counts == {k: v for k, v in case_counts(mix, n).items() if v}
        assert stamp['counts'][layout][split] == case_counts(mix, n)


def test_custom_case_mix():
    mix = dict(lookalike=0.25, silence=0.75)
    gen = SynthAVSGenerator(seed=SEED, case_mix=dict(ms3=mix))
    plan = gen.split_plan('ms3', 'train', 40)
    assert collections.Counter(c for c, _ in plan) == dict(
        lookalike=10, silence=30)
    counts = case_counts(mix, 7)  # exact 1.75 / 5.25: largest remainder
    assert counts.pop('lookalike') == 2 and counts.pop('silence') == 5
    assert set(counts.values()) == {0}
    with pytest.raises(ValueError, match='single-source s4'):
        SynthAVSGenerator(case_mix=dict(s4=dict(multi_source=1.0)))
    with pytest.raises(KeyError, match='unknown SynthAVS case types'):
        SynthAVSGenerator(case_mix=dict(ms3=dict(silent=1.0)))
    with pytest.raises(KeyError, match='unknown layout'):
        SynthAVSGenerator(case_mix=dict(ms4=dict(single=1.0)))
    with pytest.raises(ValueError, match='num_categories'):
        SynthAVSGenerator(num_categories=1)
    with pytest.raises(ValueError, match=r'in \[2, 10\]'):
        SynthAVSGenerator(num_categories=11)
    with pytest.raises(TypeError, match='decoy_cue_prob'):
        SynthAVSGenerator(decoy_cue_prob=0.1)


def test_per_frame_records_match_the_clips(tree, gen):
    root, _ = tree
    rows = _read_csv(root, 'ms3')
    names = [c.name for c in gen.categories]
    plan = gen.split_plan('ms3', 'val', SMALL['num_val'])
    for i, (row, (case, label)) in enumerate(
            zip([r for r in rows if r['split'] == 'val'], plan)):
        clip = gen.make_clip('ms3', 'val', i, case, label)
        assert row['video_id'] == clip.name and row['case'] == clip.case
        assert row['objects'].split('+') == [
            names[o.category] for o in clip.objects
        ]
        per_frame = row['sounding'].split('|')
        assert len(per_frame) == 5
        for t, entry in enumerate(per_frame):
            sounding = [] if entry == '-' else [
                int(k) for k in entry.split('+')
            ]
            assert sounding == list(np.flatnonzero(clip.sounding[t]))
        heard = [[] if e == '-' else e.split('+')
                 for e in row['audible'].split('|')]
        assert heard == [[names[c] for c in f] for f in clip.audible]
        pitch = [[] if e == '-' else [int(v) for v in e.split('+')]
                 for e in row['pitch'].split('|')]
        assert pitch == clip.pitch
        assert [len(p) for p in pitch] == [len(h) for h in heard]
        levels = [[int(v) for v in e.split('+')]
                  for e in row['levels'].split('|')]
        assert levels == clip.levels.tolist()


# ---------------------------------------------------------------------------
# masks follow the sounding objects
# ---------------------------------------------------------------------------
@pytest.mark.parametrize('layout', LAYOUTS)
def test_masks_follow_sounding_objects(gen, layout):
    for clip in _all_cases(gen, layout):
        T = clip.num_frames
        assert clip.frames.shape == (T, 64, 64, 3)
        sounding = clip.sounding
        # the mask is exactly the union of the sounding objects' pixels
        expected = np.zeros_like(clip.semantic)
        for i, obj in enumerate(clip.objects):
            pix = obj.sounding[:, None, None] & (clip.instances == i + 1)
            expected[pix] = obj.category + 1
            assert (clip.instances == i + 1).sum(axis=(1, 2)).min() > 20
        np.testing.assert_array_equal(clip.semantic, expected)
        visible = {o.category for o in clip.objects}
        for t in range(T):
            on = {o.category for o in clip.objects if o.sounding[t]}
            assert set(clip.audible[t]) == on | set(clip.offscreen)
        n_on = sounding.sum(axis=1)
        if clip.case == 'single':
            assert len(clip.objects) == 1 and n_on.min() == 1
        elif clip.case in ('offscreen', 'silence'):
            assert not clip.masks.any() and n_on.max() == 0
            if clip.case == 'offscreen':
                assert clip.offscreen and not visible & set(clip.offscreen)
                assert all(clip.audible)
            else:
                assert not any(clip.audible) and not clip.offscreen
        elif clip.case == 'lookalike':
            cats = collections.Counter(o.category for o in clip.objects)
            twin_cat = cats.most_common(1)[0][0]
            twins = [
                i for i, o in enumerate(clip.objects) if o.category == twin_cat
            ]
            assert len(twins) == 2
            assert (n_on == 1).all()
            assert (sounding[:, twins].sum(axis=1) == 1).all()
            # the sounding twin is in the mask, the silent one is not
            for i in twins:
                obj = clip.objects[i]
                in_mask = (clip.masks & (clip.instances == i + 1)).any()
                assert in_mask == obj.sounding.any()
        elif clip.case == 'state_switch':
            assert 0 < n_on.sum() < T
            empty = ~clip.masks.any(axis=(1, 2))
            assert empty.any() and not empty.all()
            np.testing.assert_array_equal(empty, n_on == 0)
        elif clip.case == 'multi_source':
            assert (n_on >= 2).all()
        elif clip.case == 'multi_some_sounding':
            assert len(clip.objects) >= 2
            assert (n_on >= 1).all() and (n_on < len(clip.objects)).all()
            if layout == 's4':
                assert (n_on == 1).all()


def test_written_masks_match_memory(tree, gen):
    root, _ = tree
    import cv2
    from mmavs.datasets.metainfo import avss_palette
    palette = avss_palette(71).astype(int)
    plan = gen.split_plan('avss', 'test', SMALL['num_test'])
    for i, (case, label) in enumerate(plan):
        clip = gen.make_clip('avss', 'test', i, case, label)
        for t in range(clip.num_frames):
            rgb = cv2.imread(
                osp.join(root, 'AVSS', label, clip.name, 'labels_rgb',
                         f'{t}.png'))[..., ::-1].astype(int)
            np.testing.assert_array_equal(rgb, palette[clip.semantic[t]])
    plan = gen.split_plan('ms3', 'test', SMALL['num_test'])
    for i, (case, _) in enumerate(plan):
        clip = gen.make_clip('ms3', 'test', i, case)
        base = osp.join(root, 'Multi-sources', 'ms3_data')
        for t in range(5):
            mask = cv2.imread(
                osp.join(base, 'gt_masks', 'test', clip.name,
                         f'{clip.name}_{t + 1}.png'), cv2.IMREAD_UNCHANGED)
            np.testing.assert_array_equal(mask, clip.masks[t] * 255)
            frame = cv2.imread(
                osp.join(base, 'visual_frames', clip.name,
                         f'{clip.name}.mp4_{t + 1}.png'))[..., ::-1]
            np.testing.assert_array_equal(frame, clip.frames[t])


# ---------------------------------------------------------------------------
# audio
# ---------------------------------------------------------------------------
def test_audio_files_have_one_second_per_frame(tree):
    root, _ = tree
    for path, T in [
        (osp.join(root, 'Multi-sources', 'ms3_data', 'audio_wav', 'val',
                  'ms3_val_0000.wav'), 5),
    ] + [(osp.join(root, 'AVSS', r['label'], r['uid'],
                   'audio.wav'), int(r['num_frames']))
         for r in _read_csv(root, 'avss')]:
        info = sf.info(path)
        assert (info.samplerate, info.channels, info.frames) == (16000, 1,
                                                                 T * 16000)
    s4 = _read_csv(root, 's4')[0]
    info = sf.info(
        osp.join(root, 'Single-source', 's4_data', 'audio_wav', s4['split'],
                 s4['category'], s4['name'] + '.wav'))
    assert (info.samplerate, info.frames) == (16000, 80000)


def test_audio_follows_the_sound_state(gen):
    sr = gen.sample_rate
    for clip in _all_cases(gen, 'ms3', per_case=3):
        assert clip.audio.shape == (clip.num_frames * sr, )
        assert np.abs(clip.audio).max() <= 0.95 + 1e-6
        rms = np.sqrt((clip.audio.reshape(clip.num_frames, sr)**2).mean(1))
        heard = np.array([bool(f) for f in clip.audible])
        if heard.any():
            assert rms[heard].min() > 0.01
        if (~heard).any():
            assert rms[~heard].max() < 0.003  # the -60 dBFS noise floor
        if clip.case == 'state_switch':
            assert heard.any() and (~heard).any()
        # every rendered second is recorded with its category and level
        assert sorted((s['second'], s['category'], s['level'])
                      for s in clip.sources) == \
            sorted((t, gen.categories[c].name, lev)
                   for t, (f, p) in enumerate(zip(clip.audible, clip.pitch))
                   for c, lev in zip(f, p))


# ---------------------------------------------------------------------------
# the dataset classes read the trees
# ---------------------------------------------------------------------------
def _build(cfg_name, root, split, data_root_sub=''):
    from mmengine.config import Config
    from mmengine.registry import init_default_scope

    from mmavs.registry import DATASETS
    init_default_scope('mmavs')
    cfg = Config.fromfile(
        osp.join(repo_root(), 'configs', '_base_', 'datasets', cfg_name))
    loader = {
        'train': cfg.train_dataloader,
        'val': cfg.val_dataloader,
        'test': cfg.test_dataloader
    }[split]
    ds_cfg = loader.dataset
    ds_cfg.data_root = osp.join(root, data_root_sub)
    ds_cfg.pipeline = cfg.test_pipeline  # no random flip: compare pixels
    return DATASETS.build(ds_cfg)


@pytest.mark.parametrize('layout,cfg_name,sub', [
    ('s4', 'synthavs_s4.py', ''),
    ('ms3', 'synthavs_ms3.py', ''),
    ('avss', 'synthavs_avss.py', 'AVSS'),
])
def test_dataset_classes_read_the_tree(tree, gen, layout, cfg_name, sub):
    root, _ = tree
    for split in ('train', 'val'):
        dataset = _build(cfg_name, root, split, sub)
        n = SMALL[f'num_{split}']
        assert len(dataset) == n
        plan = gen.split_plan(layout, split, n)
        for idx in (0, n - 1):
            case, label = plan[idx]
            clip = gen.make_clip(layout, split, idx, case, label)
            item = dataset[idx]
            samples = item['data_samples']
            T = clip.num_frames
            assert samples[0].metainfo['clip_id'] == clip.name
            frames = item['inputs']['frames'].numpy().transpose(0, 2, 3, 1)
            assert item['inputs']['audio'].shape[1:] == (1, 96, 64)
            if layout == 'avss':
                assert len(samples) == 10
                assert [s.metainfo['valid'] for s in samples] == \
                    [t < T for t in range(10)]
                assert np.abs(frames[:T].astype(int) -
                              clip.frames).mean() < 3  # jpeg
            else:
                assert len(samples) == 5
                np.testing.assert_array_equal(frames, clip.frames)
            for t in range(T):
                gt = samples[t].gt_sem_seg.data[0].numpy()
                if samples[t].metainfo['labelled']:
                    want = clip.semantic[t] if layout == 'avss' else \
                        clip.masks[t]
                    np.testing.assert_array_equal(gt, want)
                else:
                    assert (gt == 255).all()
            labelled = [s.metainfo['labelled'] for s in samples][:T]
            first_only = split == 'train' and (layout == 's4'
                                               or label == 'v1s')
            assert labelled == ([True] + [False] *
                                (T - 1) if first_only else [True] * T)
