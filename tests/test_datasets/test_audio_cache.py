# Copyright (c) mmavs contributors. All rights reserved.
"""The audio cache: tensors identical to on-the-fly loading (positives and
AVSBench-Robust negatives), misses are errors naming the clip (or counted
with on_miss='compute'), changed files miss, padding is still counted."""
import os
import os.path as osp
import warnings

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

import mmavs  # noqa: F401
from mmavs.datasets.audio_cache import (AudioCacheMissError,
                                        AudioCacheMissWarning,
                                        apply_audio_cache, cache_entry_path)
from mmavs.datasets.transforms import LoadAVAudio
from mmavs.datasets.transforms.audio import AudioPaddingWarning
from mmavs.registry import DATASETS
from mmavs.testing.fixtures import make_s4_fixture, tone, write_wav
from mmavs.testing.tools import load_tool_module
from mmavs.utils import load_config


@pytest.fixture(autouse=True)
def _scope():
    init_default_scope('mmavs')


@pytest.fixture(scope='module')
def cache_tool():
    return load_tool_module('tools/dataset_converters/cache_audio.py')


@pytest.fixture(scope='module')
def s4_root(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('cache_s4'))
    records = make_s4_fixture(
        root, dict(train=2, val=2, test=2), sample_rate=22050)
    return root, records


LOADERS = {
    'vggish': dict(type='LoadAVAudio', representation='vggish'),
    'vggish_fast': dict(
        type='LoadAVAudio', representation='vggish', res_type='soxr_hq'),
    'htsat': dict(
        type='LoadAVAudio',
        representation='waveform',
        sample_rate=48000,
        max_len=96000,
        quantize=True),
    'feature': dict(type='LoadAVAudio', representation='feature'),
}


def _write_config(path, root, audio, robust=False) -> str:
    pipeline = [
        dict(type='LoadAVFrames'),
        dict(type='LoadAVAnnotations'), audio,
        dict(type='PackAVSInputs')
    ]
    lines = []
    for split in ('train', 'val', 'test'):
        inner = dict(
            type='AVSBenchS4Dataset',
            data_root=root,
            split=split,
            test_mode=split != 'train',
            pipeline=pipeline)
        ds = (dict(type='RobustAVSDataset', dataset=inner, seed=3)
              if robust else inner)
        lines.append(f'{split}_dataloader = dict(dataset={ds!r})')
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return str(path)


def _datasets(config, cache=None):
    cfg = load_config(config, {'audio_cache.dir': cache} if cache else None)
    return [
        DATASETS.build(cfg[f'{s}_dataloader'].dataset)
        for s in ('train', 'val', 'test')
    ]


@pytest.mark.parametrize('name', list(LOADERS))
def test_cached_tensors_equal_on_the_fly(name, s4_root, tmp_path,
                                         cache_tool):
    root, _ = s4_root
    config = _write_config(tmp_path / 'cfg.py', root, LOADERS[name])
    cache = str(tmp_path / 'cache')
    assert cache_tool.main(
        [config, '--cache-dir', cache, '--workers', '0',
         '--no-progress']) == 0
    plain, cached = _datasets(config), _datasets(config, cache)
    for ds_plain, ds_cached in zip(plain, cached):
        loader = ds_cached.pipeline.transforms[2]
        assert loader.cache == dict(dir=cache, on_miss='error')
        for idx in range(len(ds_plain)):
            a = ds_plain[idx]['inputs']['audio']
            b = ds_cached[idx]['inputs']['audio']
            assert a.dtype == b.dtype and a.shape == b.shape
            assert torch.equal(a, b), (name, idx)
    entries = [
        f for _, _, files in os.walk(cache) for f in files
        if f.endswith('.npz')
    ]
    assert len(entries) == 6
    # a rerun finds everything cached
    assert cache_tool.main(
        [config, '--cache-dir', cache, '--workers', '0',
         '--no-progress']) == 0


def test_robust_negatives_are_cached(s4_root, tmp_path, cache_tool):
    root, _ = s4_root
    config = _write_config(
        tmp_path / 'cfg.py', root, LOADERS['vggish'], robust=True)
    cache = str(tmp_path / 'cache')
    assert cache_tool.main(
        [config, '--cache-dir', cache, '--workers', '0',
         '--no-progress']) == 0
    plain, cached = _datasets(config), _datasets(config, cache)
    conditions = set()
    for ds_plain, ds_cached in zip(plain, cached):
        for idx in range(len(ds_plain)):
            a, b = ds_plain[idx], ds_cached[idx]
            cond = a['data_samples'][0].metainfo['audio_condition']
            conditions.add(cond)
            assert torch.equal(a['inputs']['audio'], b['inputs']['audio']), (
                idx, cond)
    assert {'positive', 'silence', 'noise', 'offscreen'} <= conditions


def test_miss_is_an_error_naming_the_clip(s4_root, tmp_path):
    root, records = s4_root
    loader = LoadAVAudio(cache=dict(dir=str(tmp_path / 'empty')))
    ds = DATASETS.build(
        dict(
            type='AVSBenchS4Dataset',
            data_root=root,
            split='test',
            pipeline=[]))
    info = ds.get_data_info(0)
    with pytest.raises(AudioCacheMissError,
                       match=rf'clip {info["clip_id"]}: .*not in the audio '
                       r'cache.*cache_audio\.py'):
        loader(dict(info))
    # opt-in: computed on the fly, counted
    loader = LoadAVAudio(
        cache=dict(dir=str(tmp_path / 'empty'), on_miss='compute'))
    with pytest.warns(AudioCacheMissWarning, match=r'1 miss\(es\)'):
        out = loader(dict(info))
    ref = LoadAVAudio()(dict(info))
    np.testing.assert_array_equal(out['audio'], ref['audio'])
    with pytest.warns(AudioCacheMissWarning, match=r'2 miss\(es\)'):
        loader(ds.get_data_info(1))
    assert loader.num_cache_misses == 2
    assert not os.path.exists(str(tmp_path / 'empty'))  # never written
    with pytest.raises(ValueError, match='on_miss'):
        LoadAVAudio(cache=dict(dir='x', on_miss='recompute'))


def test_changed_file_or_parameter_is_a_miss(tmp_path):
    wav = str(tmp_path / 'a.wav')
    write_wav(wav, tone(440, 5.0, 16000), 16000)
    info = dict(clip_id='a', num_frames=5, valid=[True] * 5, audio_path=wav)
    cache = str(tmp_path / 'cache')
    from mmavs.datasets.audio_cache import save_cache_entry
    compute = LoadAVAudio()
    audio, meta = compute.compute_cache_entry(info)
    key = compute.cache_key(info)
    save_cache_entry(cache_entry_path(cache, 'vggish', key), audio, meta)
    loader = LoadAVAudio(cache=dict(dir=cache))
    np.testing.assert_array_equal(loader(dict(info))['audio'], audio)
    # another clip with the same audio shares the entry
    assert loader(dict(info, clip_id='b'))['audio'].shape == audio.shape
    # other parameters: another key
    assert LoadAVAudio(res_type='soxr_hq').cache_key(info) != key
    assert compute.cache_key(dict(info, num_frames=4,
                                  valid=[True] * 4)) != key
    # the file changes (new content, new mtime): a miss, not a stale entry
    write_wav(wav, tone(660, 5.0, 16000), 16000)
    os.utime(wav, ns=(1, 1))
    assert compute.cache_key(info) != key
    with pytest.raises(AudioCacheMissError, match='clip a'):
        loader(dict(info))


def test_negative_specs_are_keyed_by_spec(tmp_path):
    """A negative sample's key is its spec (files stamped), not the clip's
    own audio; message-only fields do not change it."""
    own, other = str(tmp_path / 'own.wav'), str(tmp_path / 'other.wav')
    write_wav(own, tone(440, 5.0, 16000), 16000)
    write_wav(other, tone(660, 5.0, 16000), 16000)
    clip = dict(clip_id='a', num_frames=5, valid=[True] * 5, audio_path=own)
    noise = dict(source='noise', sample_rate=16000, noise_amplitude=0.5,
                 noise_distribution='uniform', noise_seed=7,
                 feature_pipeline='consistent', origin="condition 'noise'")
    loader = LoadAVAudio()
    key = loader.cache_key(dict(clip, negative_audio=noise))
    assert key != loader.cache_key(clip)
    # another seed, amplitude or source: another input, another key
    for change in (dict(noise_seed=8), dict(noise_amplitude=0.25),
                   dict(source='silence')):
        assert loader.cache_key(
            dict(clip, negative_audio=dict(noise, **change))) != key
    # the clip's own audio and the spec's message fields do not matter
    assert loader.cache_key(
        dict(clip, audio_path=other, clip_id='b',
             negative_audio=dict(noise, origin='elsewhere'))) == key
    # an off-screen source is stamped: its file changing is a miss
    offscreen = dict(source='clip', clip_id='b', audio_path=other,
                     audio_feat_path=None, feature_pipeline='consistent')
    before = loader.cache_key(dict(clip, negative_audio=offscreen))
    assert loader.cache_key(
        dict(clip, negative_audio=dict(offscreen, clip_id='c'))) == before
    write_wav(other, tone(880, 5.0, 16000), 16000)
    os.utime(other, ns=(1, 1))
    assert loader.cache_key(dict(clip, negative_audio=offscreen)) != before
    # the cached negative is the negative, not the clip's own audio
    cache = str(tmp_path / 'cache')
    from mmavs.datasets.audio_cache import save_cache_entry
    sample = dict(clip, negative_audio=noise)
    audio, meta = loader.compute_cache_entry(sample)
    save_cache_entry(cache_entry_path(cache, 'vggish', key), audio, meta)
    cached = LoadAVAudio(cache=dict(dir=cache))
    np.testing.assert_array_equal(cached(dict(sample))['audio'], audio)
    assert not np.array_equal(audio, loader(dict(clip))['audio'])
    with pytest.raises(AudioCacheMissError, match='clip a'):
        cached(dict(clip))


def test_in_memory_audio_is_never_cached(tmp_path):
    """``audio_waveform`` has no file to key by: computed even with a
    cache, and refused by the key."""
    wave = tone(440, 5.0, 16000)
    info = dict(clip_id='video', num_frames=5, valid=[True] * 5,
                audio_waveform=(wave, 16000), audio_source='the track')
    ref = LoadAVAudio()(dict(info))['audio']
    loader = LoadAVAudio(cache=dict(dir=str(tmp_path / 'empty')))
    np.testing.assert_array_equal(loader(dict(info))['audio'], ref)
    assert loader.num_cache_misses == 0
    assert not os.path.exists(str(tmp_path / 'empty'))
    with pytest.raises(ValueError, match='in-memory audio .*the track.* '
                       'never cached'):
        loader.cache_key(info)


def test_padding_is_counted_when_read_from_the_cache(tmp_path):
    wav = str(tmp_path / 'short.wav')
    write_wav(wav, tone(440, 3.2, 16000), 16000)
    info = dict(
        clip_id='short', num_frames=5, valid=[True] * 5, audio_path=wav)
    cache = str(tmp_path / 'cache')
    from mmavs.datasets.audio_cache import save_cache_entry
    compute = LoadAVAudio(pad_mode='repeat')
    with pytest.warns(AudioPaddingWarning):
        audio, meta = compute.compute_cache_entry(info)
    assert len(meta['padding']) == 1
    save_cache_entry(
        cache_entry_path(cache, 'vggish', compute.cache_key(info)), audio,
        meta)
    loader = LoadAVAudio(pad_mode='repeat', cache=dict(dir=cache))
    with pytest.warns(AudioPaddingWarning,
                      match=r'clip short: audio .*short\.wav lasts 3\.200 s'
                      r'.*\(1 clip\(s\) padded so far'):
        out = loader(dict(info))
    assert loader.num_padded_clips == 1
    np.testing.assert_array_equal(out['audio'], audio)
    # the same parameters with pad_mode='error' have another key
    strict = LoadAVAudio(cache=dict(dir=cache))
    with pytest.raises(AudioCacheMissError):
        strict(dict(info))
    with warnings.catch_warnings():
        warnings.simplefilter('error', AudioPaddingWarning)
        with pytest.raises(AudioPaddingWarning):
            loader(dict(info, clip_id='other'))


def test_apply_audio_cache_config_switch():
    cfg = Config(
        dict(
            audio_cache=dict(dir='c'),
            train_dataloader=dict(
                dataset=dict(
                    type='RobustAVSDataset',
                    dataset=dict(
                        type='AVSBenchS4Dataset',
                        pipeline=[
                            dict(type='LoadAVFrames'),
                            dict(type='mmavs.LoadAVAudio')
                        ]))),
            val_dataloader=dict(
                dataset=dict(
                    type='VPODataset',
                    pipeline=[dict(type='LoadAVAudio')]))))
    assert apply_audio_cache(cfg) == 2
    inner = cfg.train_dataloader.dataset.dataset.pipeline
    assert inner[1]['cache'] == dict(dir='c')
    assert 'cache' not in inner[0]
    assert cfg.val_dataloader.dataset.pipeline[0]['cache'] == dict(dir='c')
    assert apply_audio_cache(Config(dict(train_dataloader={}))) == 0
    with pytest.raises(ValueError, match='no dataloader pipeline'):
        apply_audio_cache(
            Config(
                dict(
                    audio_cache=dict(dir='c'),
                    train_dataloader=dict(
                        dataset=dict(pipeline=[dict(type='LoadAVFrames')])))))
    with pytest.raises(ValueError, match='must name its folder'):
        apply_audio_cache(Config(dict(audio_cache=dict(on_miss='error'))))
    assert osp.basename(cache_entry_path('d', 'vggish', 'ab' * 32)) == \
        'ab' * 32 + '.npz'
