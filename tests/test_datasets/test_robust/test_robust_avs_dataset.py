# Copyright (c) mmavs contributors. All rights reserved.
import os
import os.path as osp
import pickle

import numpy as np
import pytest
import torch
from mmengine.registry import init_default_scope
from torch.utils.data import DataLoader

import mmavs  # noqa: F401
from mmavs.datasets import (S4_CATEGORY_GROUPS, AVSBenchMS3Dataset,
                            AVSBenchS4Dataset, RobustAVSDataset)
from mmavs.datasets.audio_features import (official_robust_log_mel,
                                           waveform_to_vggish_examples)
from mmavs.datasets.audio_io import load_audio, load_audio_feature
from mmavs.testing import make_ms3_fixture, make_s4_fixture, tone, write_wav


def _pipeline(representation='vggish'):
    return [
        dict(type='LoadAVFrames'),
        dict(type='LoadAVAnnotations'),
        dict(
            type='LoadAVAudio',
            representation=representation,
            res_type='kaiser_fast'),
        dict(type='PackAVSInputs'),
    ]


@pytest.fixture(autouse=True)
def _scope():
    init_default_scope('mmavs')


@pytest.fixture(scope='module')
def s4_root(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('robust_s4'))
    records = make_s4_fixture(
        root, split_sizes=dict(train=6, test=4), sample_rate=4000)
    return root, records


def _inner(root, split='test', representation='vggish'):
    return dict(
        type='AVSBenchS4Dataset',
        data_root=root,
        split=split,
        test_mode=split != 'train',
        pipeline=_pipeline(representation))


def _wrapper(root, **kwargs):
    split = kwargs.pop('split', 'test')
    rep = kwargs.pop('representation', 'vggish')
    return RobustAVSDataset(_inner(root, split, rep), **kwargs)


def _meta(item, key):
    return [s.metainfo[key] for s in item['data_samples']]


def _collate(batch):
    return batch


def test_eval_conditions_gt_and_audio(s4_root):
    root, records = s4_root
    ds = _wrapper(root)
    n = 4
    assert len(ds) == 4 * n
    conds = [ds.sample_plan(k)[1] for k in range(len(ds))]
    # block-ordered, each condition 25 %
    assert conds == sum(
        [[c] * n for c in ('positive', 'silence', 'noise', 'offscreen')], [])
    assert [ds.sample_plan(k)[0] for k in range(len(ds))] == list(range(n)) * 4
    assert ds.metainfo['audio_conditions'] == ('positive', 'silence', 'noise',
                                               'offscreen')
    test_records = [r for r in records if r['split'] == 'test']
    positives = [ds[k] for k in range(n)]
    zeros = waveform_to_vggish_examples(
        np.zeros(5 * 16000), 16000, res_type='kaiser_fast')
    for k in range(len(ds)):
        item = positives[k] if k < n else ds[k]
        cond = conds[k]
        assert set(_meta(item, 'audio_condition')) == {cond}
        assert set(_meta(item, 'negative_pair')) == {cond != 'positive'}
        # the ground truth stays the visual object's mask
        gt = np.stack(
            [s.gt_sem_seg.data[0].numpy() for s in item['data_samples']])
        np.testing.assert_array_equal(gt,
                                      np.stack(test_records[k % n]['masks']))
        audio = item['inputs']['audio'].numpy()
        pos = positives[k % n]['inputs']['audio'].numpy()
        if cond == 'silence':
            np.testing.assert_allclose(audio[:, 0], zeros[:5], rtol=1e-6)
        elif cond == 'noise':
            assert audio.shape == pos.shape and audio.std() > 0.1
            assert not np.allclose(audio, pos)
        elif cond == 'offscreen':
            src = ds.get_data_info(k)['offscreen_source']
            src_k = [r['name'] for r in test_records].index(src)
            np.testing.assert_array_equal(
                audio, positives[src_k]['inputs']['audio'].numpy())


def test_offscreen_groups(s4_root):
    root, _ = s4_root
    ds = _wrapper(root, conditions=['offscreen'])
    cats = {
        ds.dataset.get_data_info(i)['clip_id']:
        ds.dataset.get_data_info(i)['category']
        for i in range(len(ds.dataset))
    }
    for k in range(len(ds)):
        info = ds.get_data_info(k)
        src = info['offscreen_source']
        assert src != info['clip_id']
        assert S4_CATEGORY_GROUPS[cats[src]] != \
            S4_CATEGORY_GROUPS[info['category']]
        assert info['offscreen_match'] == 'group'
    # one shared group: relaxed to another category of the same group
    ds = _wrapper(
        root,
        conditions=['offscreen'],
        category_groups=dict(dog_barking='x', playing_piano='x'))
    for k in range(len(ds)):
        info = ds.get_data_info(k)
        assert info['offscreen_match'] == 'category'
        assert cats[info['offscreen_source']] != info['category']
    # a category without a group is named in the error
    with pytest.raises(ValueError, match='playing_piano'):
        _wrapper(root, category_groups=dict(dog_barking='animal'))
    # without off-screen audio no group is needed
    _wrapper(root, conditions=['positive', 'silence'], category_groups={})


def test_determinism_workers_and_seed(s4_root):
    root, _ = s4_root
    ds = _wrapper(root, seed=3)

    def run(workers):
        loader = DataLoader(
            ds, batch_size=3, num_workers=workers, collate_fn=_collate)
        out = []
        for batch in loader:
            for item in batch:
                out.append((_meta(item, 'audio_condition')[0],
                            item['inputs']['audio'].numpy()))
        return out

    serial, parallel = run(0), run(2)
    assert [c for c, _ in serial] == [c for c, _ in parallel]
    for (_, a), (_, b) in zip(serial, parallel):
        np.testing.assert_array_equal(a, b)
    again = _wrapper(root, seed=3)
    other = _wrapper(root, seed=4)
    noise_k = 2 * 4
    np.testing.assert_array_equal(ds[noise_k]['inputs']['audio'],
                                  again[noise_k]['inputs']['audio'])
    assert not torch.equal(ds[noise_k]['inputs']['audio'],
                           other[noise_k]['inputs']['audio'])


def test_training_layout_and_empty_targets(s4_root):
    root, records = s4_root
    train = {r['name']: r for r in records if r['split'] == 'train'}
    ds = _wrapper(root, split='train', negative_ratio=0.25)
    assert not ds.test_mode
    # append: 6 positives + round(6 * 0.25 / 0.75) = 2 negatives
    plan = [ds.sample_plan(k) for k in range(len(ds))]
    assert len(ds) == 8
    assert sorted(c for c, cond in plan
                  if cond == 'positive') == list(range(6))
    assert sorted(cond for _, cond in plan
                  if cond != 'positive') == ['offscreen', 'silence']
    for k, (_, cond) in enumerate(plan):
        item = ds[k]
        name = item['data_samples'][0].metainfo['clip_id']
        gt = [s.gt_sem_seg.data[0].numpy() for s in item['data_samples']]
        assert set(_meta(item, 'negative_pair')) == {cond != 'positive'}
        # frame 1 is the only labelled S4 train frame
        assert (gt[1] == 255).all()
        if cond == 'positive':
            np.testing.assert_array_equal(gt[0], train[name]['masks'][0])
        else:
            assert gt[0].max() == 0 and train[name]['masks'][0].max() == 1
    keep = _wrapper(
        root, split='train', negative_ratio=0.5, train_length='keep')
    plan = [keep.sample_plan(k) for k in range(len(keep))]
    assert len(keep) == 6 and sorted(c for c, _ in plan) == list(range(6))
    assert sum(cond != 'positive' for _, cond in plan) == 3
    official = _wrapper(
        root, split='train', negative_ratio=0.2, train_length='official')
    plan = [official.sample_plan(k) for k in range(len(official))]
    assert len(official) == 12
    assert sum(cond == 'positive' for _, cond in plan) == int(12 * 0.8)
    none = _wrapper(root, split='train', negative_ratio=0.0)
    assert len(none) == 6
    with pytest.raises(ValueError, match='negative_ratio'):
        _wrapper(root, split='train', negative_ratio=1.0)


def test_unseen_recordings(s4_root, unseen_audio_dir, unseen_audio_files):
    root, _ = s4_root
    files = unseen_audio_files
    ds = _wrapper(
        root,
        conditions=['unseen'],
        seed=1,
        unseen_audio_root=unseen_audio_dir)
    paper = {
        'fork_segment.wav', 'rooster_segment.wav', 'sheep_segment.wav',
        'thunderstorm_segment.wav'
    }
    k = 0
    path = ds.get_data_info(k)['negative_audio']['path']
    assert osp.basename(path) in paper and path in files
    wave, sr = load_audio(path, sample_rate=16000, res_type='kaiser_fast')
    expected = waveform_to_vggish_examples(wave, sr, res_type='kaiser_fast')
    np.testing.assert_allclose(
        ds[k]['inputs']['audio'][:, 0].numpy(),
        expected[:5],
        rtol=1e-5,
        atol=1e-5)
    one = _wrapper(
        root,
        conditions=[dict(name='rooster', files=['rooster_segment.wav'])],
        unseen_audio_root=unseen_audio_dir)
    assert all(
        osp.basename(one.get_data_info(i)['negative_audio']['path']) ==
        'rooster_segment.wav' for i in range(len(one)))


def test_unseen_recordings_need_their_folder(s4_root, tmp_path):
    """Relative recording names are looked up only in the configured
    unseen_audio_root (there is no default folder)."""
    root, _ = s4_root
    with pytest.raises(ValueError, match='unseen_audio_root is not set'):
        _wrapper(root, conditions=['unseen'])
    folder = tmp_path / 'unseen'
    folder.mkdir()
    with pytest.raises(FileNotFoundError, match='fork_segment.wav'):
        _wrapper(root, conditions=['unseen'], unseen_audio_root=str(folder))
    write_wav(str(folder / 'bell.wav'), tone(880, 6.0, 22050), 22050)
    ds = _wrapper(
        root,
        conditions=[dict(name='bell', files=['bell.wav'])],
        unseen_audio_root=str(folder))
    assert ds.get_data_info(0)['negative_audio']['path'] == str(
        folder / 'bell.wav')
    absolute = _wrapper(
        root, conditions=[dict(name='bell', files=[str(folder / 'bell.wav')])])
    assert absolute.get_data_info(0)['negative_audio']['path'] == str(
        folder / 'bell.wav')
    with pytest.raises(FileNotFoundError, match='nothere.wav'):
        _wrapper(
            root,
            conditions=[dict(name='x', files=['nothere.wav'])],
            unseen_audio_root=str(folder))


def test_feature_representation(s4_root, tmp_path):
    root, _ = s4_root
    ds = _wrapper(
        root, representation='feature', conditions=['silence', 'offscreen'])
    zeros = waveform_to_vggish_examples(
        np.zeros(5 * 16000), 16000, res_type='kaiser_fast')
    np.testing.assert_allclose(
        ds[0]['inputs']['audio'][:, 0].numpy(), zeros[:5], rtol=1e-6)
    off = ds.get_data_info(4)
    src = [
        ds.dataset.get_data_info(i) for i in range(len(ds.dataset))
        if ds.dataset.get_data_info(i)['clip_id'] == off['offscreen_source']
    ][0]
    np.testing.assert_array_equal(ds[4]['inputs']['audio'].numpy(),
                                  load_audio_feature(src['audio_feat_path']))
    # the release's librosa pipeline: silence is -100 dB for the 44 STFT
    # frames of a 1 s segment at 22050 Hz, then zero padding to 96
    official = _wrapper(
        root,
        representation='feature',
        conditions=['silence'],
        feature_pipeline='librosa_official')
    audio = official[0]['inputs']['audio'].numpy()
    assert audio.shape == (5, 1, 96, 64)
    np.testing.assert_allclose(audio[:, 0, :44], -100.0)
    np.testing.assert_array_equal(audio[:, 0, 44:], 0.0)
    np.testing.assert_array_equal(
        audio, official_robust_log_mel(np.zeros(44100 * 5), 44100))
    # precomputed negative files (the release's single silent.pkl)
    silent = rng_feat = np.random.default_rng(0).standard_normal(
        (5, 1, 96, 64)).astype(np.float32)
    with open(tmp_path / 'silent.pkl', 'wb') as f:
        pickle.dump(torch.from_numpy(silent), f)
    pre = _wrapper(
        root,
        representation='feature',
        conditions=['silence'],
        negative_files=dict(silence=str(tmp_path / 'silent.pkl')))
    np.testing.assert_array_equal(pre[1]['inputs']['audio'].numpy(), rng_feat)
    with pytest.raises(
            ValueError,
            match=r"negative_files\['silence'\] gives the "
            r'feature file .*silent\.pkl'):
        _wrapper(
            root,
            conditions=['silence'],
            negative_files=dict(silence=str(tmp_path / 'silent.pkl')))[0]


def test_ms3_needs_categories(tmp_path):
    root = str(tmp_path)
    make_ms3_fixture(root, split_sizes=dict(test=3))
    inner = dict(
        type='AVSBenchMS3Dataset',
        data_root=root,
        split='test',
        test_mode=True,
        pipeline=_pipeline())
    with pytest.raises(ValueError, match='category_file'):
        RobustAVSDataset(inner)
    vids = [
        AVSBenchMS3Dataset(data_root=root,
                           split='test').get_data_info(i)['clip_id']
        for i in range(3)
    ]
    csv = tmp_path / 'metadata.csv'
    csv.write_text('vid,a_obj,label\n' + f'{vids[0]},man_guitar,v1m\n' +
                   f'{vids[1]},dog,v1m\n' + f'{vids[2]},car_bus,v1m\n' +
                   f'{vids[2]},man,v1s\n')
    from mmavs.datasets.metainfo import MS3_AVOID_GROUPS, MS3_OBJECT_GROUPS
    ds = RobustAVSDataset(
        inner,
        conditions=['offscreen'],
        category_groups=MS3_OBJECT_GROUPS,
        avoid_groups=MS3_AVOID_GROUPS,
        category_file=dict(
            path=str(csv),
            id_column='vid',
            category_column='a_obj',
            separator='_',
            filters=dict(label='v1m')),
        offscreen_sampling='clip')
    # man_guitar (human+music) -> dog or car_bus; dog avoids human -> car_bus
    sources = {
        ds.get_data_info(k)['clip_id']: ds.get_data_info(k)['offscreen_source']
        for k in range(3)
    }
    assert sources[vids[0]] in (vids[1], vids[2])
    assert sources[vids[1]] == vids[2]
    assert sources[vids[2]] in (vids[0], vids[1])


def test_pipeline_requirements(s4_root):
    root, _ = s4_root
    inner = AVSBenchS4Dataset(
        data_root=root,
        split='test',
        pipeline=[dict(type='LoadAVFrames'),
                  dict(type='PackAVSInputs')])
    with pytest.raises(ValueError, match='LoadAVAudio'):
        RobustAVSDataset(inner)
    with pytest.raises(ValueError, match='unknown conditions entry'):
        _wrapper(root, conditions=['positive', 'loud'])


def test_robust_config_set():
    from mmengine.config import Config

    from mmavs.testing import repo_root
    cfg_dir = osp.join(repo_root(), 'configs', 'robust')
    names = sorted(n for n in os.listdir(cfg_dir) if n.endswith('.py'))
    ratios = {'noneg': 0.0, 'negonly': 0.1, 'neg20': 0.2, 'neg30': 0.3}
    seen = set()
    for name in names:
        cfg = Config.fromfile(osp.join(cfg_dir, name))
        test = cfg.test_dataloader.dataset
        assert test.type == 'RobustAVSDataset', name
        assert cfg.test_evaluator.type == 'RobustAVSMetric', name
        if name.startswith('robust-eval'):
            continue
        kind = name.split('_')[0].split('-')[-1]
        train = cfg.train_dataloader.dataset
        assert train.type == 'RobustAVSDataset', name
        assert train.negative_ratio == ratios.get(kind, 0.1), name
        sim = [
            loss for loss in cfg.model.get('av_losses', [])
            if loss.type == 'AVSimilarityLoss'
        ]
        assert len(sim) == (0 if kind in ('noneg', 'negonly') else 1), name
        if sim:
            assert sim[0].loss_weight == 1.0 and sim[0].similarity == 'cosine'
        seen.add(name)
    expected = {
        f'robust-tpavi{v}_pvt-v2-b5_1xb4-{d}-224x224.py'
        for v in ('', '-noneg', '-negonly', '-neg20', '-neg30')
        for d in ('15e_s4', '30e_ms3')
    } | {
        f'robust-tpavi{v}_simpleconv_1xb4-300it_synthavs-s4-64x64.py'
        for v in ('', '-noneg', '-negonly', '-neg20', '-neg30')
    } | {
        'robust-tpavi_simpleconv_1xb4-300it_synthavs-ms3-64x64.py',
        'robust-ravs_mit-b5-vggish_8xb2-40e_s4-224x224.py',
        'robust-ravs_simpleconv_1xb4-300it_synthavs-s4-64x64.py'
    }
    assert expected <= seen
    # paper schedules: S4 15 epochs, MS3 30 epochs, Adam 1e-4, batch 4
    main = Config.fromfile(
        osp.join(cfg_dir, 'robust-tpavi_pvt-v2-b5_1xb4-15e_s4-224x224.py'))
    assert main.train_cfg.max_epochs == 15
    assert main.optim_wrapper.optimizer == dict(type='Adam', lr=1e-4)
    assert main.train_dataloader.batch_size == 4
    ms3 = Config.fromfile(
        osp.join(cfg_dir, 'robust-tpavi_pvt-v2-b5_1xb4-30e_ms3-224x224.py'))
    assert ms3.train_cfg.max_epochs == 30
    assert ms3.train_dataloader.dataset.category_groups == 'ms3'
