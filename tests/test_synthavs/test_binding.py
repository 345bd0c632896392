# Copyright (c) mmavs contributors. All rights reserved.
"""The hard cases of SynthAVS are solvable only by binding the audio to the
frames: the frames alone do not tell which object sounds, the audio does.
"""
import collections
import importlib.util
import os.path as osp

import numpy as np
import pytest

from mmavs.synthavs import SynthAVSGenerator, SynthAVSParams
from mmavs.synthavs.scene import build_categories, plan_scene
from mmavs.testing import repo_root

#: The HSV values of the three brightness levels (hand-written).
VALUES = (0.5, 0.725, 0.95)
#: Fundamental of the vibrato tone and the ratio of its three pitch levels.
TONE_HZ = 262.0
RATIOS = (2**(-7 / 12), 1.0, 2**(7 / 12))


def _brightness_from_frames(clip, i):
    """Per frame, the HSV value (max of R, G, B) averaged over the pixels of
    object ``i``, measured on the rendered frames."""
    values = clip.frames.max(axis=-1) / 255.0
    return np.array([
        values[t][clip.instances[t] == i + 1].mean()
        for t in range(clip.num_frames)
    ])


def _pitch_level_from_audio(clip):
    """Per second, the pitch level of a vibrato tone heard alone, from the
    peak of its spectrum."""
    sr = clip.sample_rate
    out = []
    for t in range(clip.num_frames):
        sec = clip.audio[t * sr:(t + 1) * sr]
        spec = np.abs(np.fft.rfft(sec * np.hanning(sr)))
        peak = np.fft.rfftfreq(sr, 1 / sr)[np.argmax(spec)]
        out.append(
            int(
                np.argmin([abs(np.log(peak / (TONE_HZ * r)))
                           for r in RATIOS])))
    return np.array(out)


def _vibrato_lookalikes(gen, count):
    """Look-alike clips whose twins are vibrato tones (category 0)."""
    clips, index = [], 0
    while len(clips) < count:
        clip = gen.make_clip('ms3', 'train', index, 'lookalike')
        index += 1
        cats = collections.Counter(o.category for o in clip.objects)
        if cats.most_common(1)[0][0] == 0:
            clips.append(clip)
    return clips


def test_lookalike_frames_do_not_pick_the_twin_the_audio_does():
    gen = SynthAVSGenerator(seed=11)
    for clip in _vibrato_lookalikes(gen, 3):
        twins = [i for i, o in enumerate(clip.objects) if o.category == 0]
        assert len(twins) == 2
        sounding = [i for i in twins if clip.objects[i].sounding.all()]
        silent = [i for i in twins if not clip.objects[i].sounding.any()]
        assert len(sounding) == 1 and len(silent) == 1
        # the frames: each twin shows, in every frame, one of the legal
        # brightness values, so each twin's sequence is as consistent with
        # the frames as the other's (texture and grain included)
        measured = {}
        for i in twins:
            value = _brightness_from_frames(clip, i)
            level = np.abs(value[:, None] - np.array(VALUES)).argmin(1)
            assert np.abs(value - np.array(VALUES)[level]).max() < 0.03
            measured[i] = level
        # ... and they never show the same level at once
        assert (measured[twins[0]] != measured[twins[1]]).all()
        # nothing else is drawn: the background stays darker than any
        # object (no ring or other mark around the sounding twin)
        background = clip.frames.max(axis=-1)[clip.instances == 0] / 255.0
        assert background.max() < VALUES[0] - 0.08
        # the audio: its pitch level matches the sounding twin's brightness
        # in every second, and the silent twin's in none
        heard = _pitch_level_from_audio(clip)
        np.testing.assert_array_equal(heard, measured[sounding[0]])
        assert (heard != measured[silent[0]]).all()


def _scenes(case, num, seed=0, C=8, L=3, single_source=False):
    cats = build_categories([f'c{k}' for k in range(C)])
    rng = np.random.default_rng(seed)
    return [
        plan_scene(rng, case, 5, cats, L, 64, single_source)
        for _ in range(num)
    ]


def _within(count, total, p, sigmas=4.0):
    """A binomial count is within ``sigmas`` standard deviations of
    ``total * p``."""
    return abs(count - total * p) <= sigmas * np.sqrt(total * p * (1 - p))


def test_lookalike_twins_are_exchangeable_given_the_frames():
    """Everything the frames show about the twins (brightness sequences,
    size, position, motion, order) has the same distribution for the
    sounding and the silent twin: no visual rule beats a coin flip."""
    N = 1500
    pairs = collections.Counter()
    wins = collections.Counter()
    for scene in _scenes('lookalike', N):
        cats = collections.Counter(o.category for o in scene.objects)
        twin_cat = cats.most_common(1)[0][0]
        idx = [
            i for i, o in enumerate(scene.objects) if o.category == twin_cat
        ]
        s = next(i for i in idx if scene.objects[i].sounding.all())
        q = next(i for i in idx if i != s)
        on, off = scene.objects[s], scene.objects[q]
        # per-frame brightness pairs (sounding, silent), never equal
        assert (on.levels != off.levels).all()
        pairs.update(zip(on.levels.tolist(), off.levels.tolist()))
        # the sounding twin's brightness is the pitch heard
        assert scene.pitch == [[int(v)] for v in on.levels]
        wins['brighter'] += on.levels.sum() > off.levels.sum()
        wins['ties'] += on.levels.sum() == off.levels.sum()
        wins['larger'] += on.radius > off.radius
        wins['first'] += s < q
        wins['lefter'] += on.centers[0, 0] < off.centers[0, 0]
        wins['moves more'] += (
            np.abs(np.diff(on.centers, axis=0)).sum()
            > np.abs(np.diff(off.centers, axis=0)).sum())
        wins['warmer'] += on.hue > off.hue
        wins['more saturated'] += on.saturation > off.saturation
        wins['level 2 first'] += on.levels[0] == 2
    total = sum(pairs.values())
    assert set(pairs) == {(a, b) for a in range(3) for b in range(3) if a != b}
    for (a, b), n in pairs.items():  # uniform, hence symmetric
        assert _within(n, total, 1 / 6), ((a, b), n, total)
    decided = N - wins['ties']
    assert _within(wins['brighter'], decided, 0.5)
    for rule in ('larger', 'first', 'lefter', 'moves more', 'warmer',
                 'more saturated'):
        assert _within(wins[rule], N, 0.5), (rule, wins[rule])
    assert _within(wins['level 2 first'], N, 1 / 3)


@pytest.mark.parametrize('case', ['multi_some_sounding', 'state_switch'])
def test_sounding_and_silent_objects_look_alike(case):
    """In the other hard cases, sounding and silent objects (or frames)
    share the distribution of brightness levels and sizes; a sounding
    object shows the pitch level of its own sound."""
    hist = {True: collections.Counter(), False: collections.Counter()}
    radii = {True: [], False: []}
    for scene in _scenes(case, 800, seed=1):
        pitch = [dict(zip(h, p)) for h, p in zip(scene.audible, scene.pitch)]
        for o in scene.objects:
            for t in range(5):
                on = bool(o.sounding[t])
                hist[on][int(o.levels[t])] += 1
                if on:
                    assert pitch[t][o.category] == o.levels[t]
                else:
                    assert o.category not in pitch[t]
            radii[bool(o.sounding.any())].append(o.radius)
    for on in (True, False):
        total = sum(hist[on].values())
        for level in range(3):
            assert _within(hist[on][level], total, 1 / 3), (on, hist[on])
    # sizes: same distribution (means within 4 standard errors)
    a, b = np.array(radii[True]), np.array(radii[False])
    se = np.sqrt(a.var() / len(a) + b.var() / len(b))
    assert abs(a.mean() - b.mean()) < 4 * se


def _oracles():
    path = osp.join(repo_root(), 'tools', 'analysis_tools',
                    'synthavs_oracles.py')
    spec = importlib.util.spec_from_file_location('synthavs_oracles', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_oracles_blind_floor_and_binding(tmp_path, capsys):
    """The oracle tool on a generated split: the best audio-blind predictor
    finds about half of a look-alike's sounding pixels; hearing only the
    categories solves every case but look-alikes; binding the pitch to the
    brightness solves every case."""
    tool = _oracles()
    params = SynthAVSParams(
        layouts=('ms3', ),
        num_train=0,
        num_val=0,
        num_test=60,
        case_mix=dict(
            ms3=dict(lookalike=1, multi_some_sounding=1, state_switch=1)))
    from mmavs.synthavs import generate_synthavs
    generate_synthavs(str(tmp_path), params)
    table = tool.oracle_table(str(tmp_path), 'ms3', 'test')
    blind, heard = table['blind best'], table['heard category']
    bound = table['heard category + pitch']
    J = 'case/{}/J@frame'.format
    assert 0.35 < blind[J('lookalike')] < 0.65
    assert heard[J('lookalike')] < 0.65
    for case in ('lookalike', 'multi_some_sounding', 'state_switch'):
        assert bound[J(case)] == pytest.approx(1.0)
        assert blind[J(case)] < bound[J(case)] - 0.15, case
    for case in ('multi_some_sounding', 'state_switch'):
        assert heard[J(case)] == pytest.approx(1.0)
    assert tool.main([str(tmp_path), '--layout', 'ms3']) == 0
    out = capsys.readouterr().out
    assert '| heard category + pitch | 1.000 | 1.000 |' in out
