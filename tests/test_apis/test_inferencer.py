# Copyright (c) mmavs contributors. All rights reserved.
"""Integration: the inferencer on SynthAVS clips against tools/test.py, the
demos, and the inferencer's bad inputs.

A tiny RAVS is trained for a few iterations (so that its masks are neither
empty nor full and its logits depend on the audio) and ``tools/test.py
--out`` dumps its predictions on the SynthAVS test clips (batch size 1).
The inferencer must give the same frames' masks and logits from

- the clip's frame folder and wav (the dataset's own files): exactly;
- an MP4 the test encodes losslessly (H.264 RGB with qp=0 and 16-bit PCM,
  decoded back bit-exact): exactly. The video runs at 4 fps and only the
  last frame of every second is the dataset frame (the other three are
  decoys), so the benchmark sampler must pick the right frames;
- an MP4 encoded as users' videos are (H.264 yuv420p + AAC): within the
  codec's tolerance (most mask pixels agree).
"""
import os
import os.path as osp

import mmcv
import numpy as np
import pytest
import soundfile as sf
import torch

from mmavs.apis import (AVSInferencer, ClipPipeline, NoAudioStreamError,
                        ShortVideoError, inference_model, init_model,
                        iter_video_frames, list_frame_files, probe_video,
                        read_audio_track)
from mmavs.evaluation.metrics.dump_av_results import load_av_results
from mmavs.testing import (benchmark_frames_video, run_tool,
                           small_run_options, write_test_video)
from mmavs.testing.tools import load_tool_module

pytestmark = pytest.mark.slow

RAVS = 'configs/ravs/ravs_simpleconv_1xb4-300it_synthavs-ms3-64x64.py'
ROBUST = ('configs/robust/'
          'robust-tpavi_simpleconv_1xb4-300it_synthavs-s4-64x64.py')
# The masks must agree exactly; the logits up to LOGIT_ATOL: the RAVS binary
# rule divides the foreground probability by 1 + the per-frame min-max
# normalised uncertainty, which scales float rounding differences between
# the two input paths (~1e-7) up to a few 1e-6.
LOGIT_ATOL = 1e-5
NO_ENCODER = ['model.audio_backbone.init_cfg=None']
CFG_OPTIONS = {'model.audio_backbone.init_cfg': None}
MS3 = 'Multi-sources/ms3_data'


def _train(config, root, work_dir, iters, wrapped=False):
    opts = small_run_options(
        root, max_iters=iters, checkpoint_interval=iters) + NO_ENCODER + [
            'val_cfg=None', 'val_dataloader=None', 'val_evaluator=None'
        ]
    if wrapped:  # RobustAVSDataset(dataset=...): the root is the inner one's
        opts = [
            o.replace('dataset.data_root', 'dataset.dataset.data_root')
            for o in opts
            if not o.startswith(('val_dataloader.', 'test_dataloader.'))
        ]
    run_tool(['tools/train.py', config, '--work-dir', work_dir,
              '--cfg-options'] + opts)
    return osp.join(work_dir, f'iter_{iters}.pth')


@pytest.fixture(scope='module')
def trained(synthavs_small, tmp_path_factory):
    """A tiny RAVS trained 12 iterations and tools/test.py's predictions."""
    work = str(tmp_path_factory.mktemp('ravs'))
    ckpt = _train(RAVS, synthavs_small, work, 12)
    out = osp.join(work, 'preds.pkl')
    run_tool([
        'tools/test.py', RAVS, ckpt, '--work-dir',
        osp.join(work, 'test'), '--out', out, '--cfg-options'
    ] + small_run_options(synthavs_small) + NO_ENCODER +
             ['test_dataloader.batch_size=1'])
    preds = {clip['clip_id']: clip for clip in load_av_results(out)}
    return synthavs_small, ckpt, preds


@pytest.fixture(scope='module')
def inferencer(trained):
    return AVSInferencer(RAVS, trained[1], device='cpu',
                         cfg_options=CFG_OPTIONS)


def _reference(clip):
    masks = np.stack(
        [f['pred_sem_seg']['data'][0].numpy() for f in clip['frames']])
    logits = np.stack(
        [f['seg_logits']['data'].numpy() for f in clip['frames']])
    return masks, logits


def _clip_files(root, clip_id):
    return (osp.join(root, MS3, 'visual_frames', clip_id),
            osp.join(root, MS3, 'audio_wav', 'test', f'{clip_id}.wav'))


def _clip_arrays(root, clip_id):
    folder, wav = _clip_files(root, clip_id)
    frames = [mmcv.imread(f, channel_order='rgb')
              for f in list_frame_files(folder)]
    wave, rate = sf.read(wav)
    return frames, wave, rate


def _check_equal(pred, clip):
    masks, logits = _reference(clip)
    np.testing.assert_array_equal(pred['masks'], masks)
    np.testing.assert_allclose(
        pred['logits'], logits, rtol=0, atol=LOGIT_ATOL)


def test_frame_folder_masks_equal_test_tool(trained, inferencer):
    root, _, preds = trained
    for clip_id, clip in preds.items():
        folder, wav = _clip_files(root, clip_id)
        pred = inferencer(dict(frames=folder, audio=wav),
                          return_logits=True)['predictions'][0]
        assert pred['frame_indices'].tolist() == list(range(5))
        assert pred['audio_windows'].tolist() == [[s, s + 1]
                                                  for s in range(5)]
        _check_equal(pred, clip)
    assert 0 < np.mean([_reference(c)[0].mean() for c in preds.values()]) < 1
    # the comparison sees the audio: one second of delay changes the logits
    clip_id, clip = next(iter(preds.items()))
    folder, wav = _clip_files(root, clip_id)
    wave, rate = sf.read(wav)
    late = np.concatenate([np.zeros(rate), wave[:-rate]])
    pred = inferencer(dict(frames=folder, audio=(late, rate)),
                      return_logits=True)['predictions'][0]
    assert np.abs(pred['logits'] - _reference(clip)[1]).max() > 1e-4


def test_lossless_mp4_masks_equal_test_tool(trained, inferencer, tmp_path):
    root, _, preds = trained
    for clip_id in sorted(preds)[:3]:
        frames, wave, rate = _clip_arrays(root, clip_id)
        path = benchmark_frames_video(
            str(tmp_path / f'{clip_id}.mp4'), frames, wave, rate, fps=4)
        pred = inferencer(path, return_logits=True)['predictions'][0]
        assert pred['frame_indices'].tolist() == [3, 7, 11, 15, 19]
        assert pred['name'] == clip_id
        _check_equal(pred, preds[clip_id])


def test_lossy_mp4_within_codec_tolerance(trained, inferencer, tmp_path):
    root, _, preds = trained
    for clip_id in sorted(preds)[:3]:
        frames, wave, rate = _clip_arrays(root, clip_id)
        path = benchmark_frames_video(
            str(tmp_path / f'{clip_id}.mp4'), frames, wave, rate, fps=4,
            lossless=False)
        pred = inferencer(path)['predictions'][0]
        masks, _ = _reference(preds[clip_id])
        assert pred['frame_indices'].tolist() == [3, 7, 11, 15, 19]
        # H.264 4:2:0 + AAC on 32x32 frames: most pixels agree
        assert (pred['masks'] == masks).mean() > 0.9


def test_arrays_and_inference_model_equal_test_tool(trained, inferencer):
    root, ckpt, preds = trained
    clip_id = sorted(preds)[1]
    frames, wave, rate = _clip_arrays(root, clip_id)
    pred = inferencer(dict(frames=np.stack(frames), audio=(wave, rate)),
                      return_logits=True)['predictions'][0]
    _check_equal(pred, preds[clip_id])
    model = init_model(RAVS, ckpt, cfg_options=CFG_OPTIONS)
    samples = inference_model(model, np.stack(frames), (wave, rate))
    masks, logits = _reference(preds[clip_id])
    np.testing.assert_array_equal(
        np.stack([s.pred_sem_seg.data[0].numpy() for s in samples]), masks)
    folder, wav = _clip_files(root, clip_id)
    samples = inference_model(model, folder, wav)
    np.testing.assert_allclose(
        np.stack([s.seg_logits.data.numpy() for s in samples]), logits,
        atol=LOGIT_ATOL, rtol=0)


def test_long_video_is_cut_into_clips(trained, inferencer, tmp_path):
    """12 seconds: clips [0, 5), [5, 10) and the overlapping [7, 12)."""
    root, _, preds = trained
    ids = sorted(preds)
    parts = [_clip_arrays(root, c) for c in ids[:3]]
    rate = parts[0][2]
    frames = parts[0][0] + parts[1][0] + parts[2][0][:2]
    wave = np.concatenate([parts[0][1], parts[1][1], parts[2][1][:2 * rate]])
    path = benchmark_frames_video(str(tmp_path / 'long.mp4'), frames, wave,
                                  rate, fps=4)
    pred = inferencer(path, return_logits=True)['predictions'][0]
    assert pred['frame_indices'].tolist() == [4 * s + 3 for s in range(12)]
    for k, clip_id in enumerate(ids[:2]):  # whole clips: as tools/test.py
        masks, logits = _reference(preds[clip_id])
        np.testing.assert_array_equal(pred['masks'][5 * k:5 * k + 5], masks)
        np.testing.assert_allclose(
            pred['logits'][5 * k:5 * k + 5], logits, atol=LOGIT_ATOL, rtol=0)
    assert pred['masks'].shape[0] == 12


def test_dense_mode_pairs_each_frame_with_its_audio_window(
        trained, inferencer, tmp_path, monkeypatch):
    from mmavs.datasets.audio_features import waveform_to_vggish_examples
    root, _, preds = trained
    frames, wave, rate = _clip_arrays(root, sorted(preds)[0])
    path = benchmark_frames_video(str(tmp_path / 'd.mp4'), frames, wave,
                                  rate, fps=4)
    seen = []
    forward = inferencer.forward

    def spy(inputs, **kwargs):
        seen.append(inputs)
        return forward(inputs, **kwargs)

    monkeypatch.setattr(inferencer, 'forward', spy)
    pred = inferencer(path, mode='dense', step=2)['predictions'][0]
    # frames 3, 5, ..., 19: windows end with each frame (0.25 s per frame)
    assert pred['frame_indices'].tolist() == list(range(3, 20, 2))
    assert pred['audio_windows'][:, 1].tolist() == [
        (i + 1) / 4 for i in range(3, 20, 2)
    ]
    assert len(seen) == 2  # 9 frames: [0, 5) and the overlapping [4, 9)
    info = probe_video(path)
    audio, _ = read_audio_track(info)
    decoded = dict(iter_video_frames(info, range(20)))
    first = seen[0]
    for t, index in enumerate(range(3, 12, 2)):
        end = (index + 1) * rate // 4
        ref = waveform_to_vggish_examples(audio[0, end - rate:end], rate)
        np.testing.assert_array_equal(first['inputs']['audio'][0][t].numpy(),
                                      ref[:1])
        np.testing.assert_array_equal(
            first['inputs']['frames'][0][t].permute(1, 2, 0).numpy(),
            mmcv.imresize(decoded[index], (64, 64)))
    assert pred['masks'].shape[0] == 9


def test_short_input_is_refused_or_padded(trained, inferencer, tmp_path):
    root, _, preds = trained
    frames, wave, rate = _clip_arrays(root, sorted(preds)[0])
    path = benchmark_frames_video(str(tmp_path / 'three.mp4'), frames[:3],
                                  wave[:3 * rate], rate, fps=4)
    with pytest.raises(ShortVideoError, match=r'three: 3 sampled .*pad_short'):
        inferencer(path)
    with pytest.warns(UserWarning, match='padded the clip with 2 empty'):
        pred = inferencer(path, pad_short=True)['predictions'][0]
    assert pred['padded_frames'] == 2
    assert pred['masks'].shape == (3, 32, 32)
    blink = write_test_video(str(tmp_path / 'blink.mp4'), frames[:1], 2,
                             wave[:rate // 2], rate)  # 0.5 s
    with pytest.raises(ShortVideoError, match='one complete second'):
        inferencer(blink)


def test_inferencer_refuses_a_video_without_audio(inferencer, trained,
                                                  tmp_path):
    root, _, preds = trained
    frames, _, _ = _clip_arrays(root, sorted(preds)[0])
    path = write_test_video(str(tmp_path / 'mute.mp4'), frames, 1)
    with pytest.raises(NoAudioStreamError, match=r'mute\.mp4'):
        inferencer(path)


def test_checkpoint_of_another_model_or_unsafe_is_refused(trained, tmp_path):
    from mmavs.compat import UnsafeCheckpointError
    from mmavs.registry import MODELS
    from mmavs.testing import write_malicious_checkpoint
    from mmavs.utils import CheckpointMismatchError, load_config
    cfg = load_config(ROBUST)
    cfg.model.audio_backbone.init_cfg = None
    other = str(tmp_path / 'tpavi.pth')
    torch.save({'state_dict': MODELS.build(cfg.model).state_dict()}, other)
    with pytest.raises(CheckpointMismatchError, match=r'tpavi\.pth'):
        init_model(RAVS, other, cfg_options=CFG_OPTIONS)
    with pytest.raises(CheckpointMismatchError, match=r'tpavi\.pth'):
        AVSInferencer(RAVS, other, cfg_options=CFG_OPTIONS)
    marker = str(tmp_path / 'pwned')
    bad = write_malicious_checkpoint(
        str(tmp_path / 'bad.pth'), marker,
        init_model(RAVS, trained[1], cfg_options=CFG_OPTIONS).state_dict())
    with pytest.raises(UnsafeCheckpointError):
        init_model(RAVS, bad, cfg_options=CFG_OPTIONS)
    assert not os.path.exists(marker)


def test_precomputed_feature_config_is_refused():
    from mmavs.utils import load_config
    cfg = load_config(RAVS)
    for step in cfg.test_dataloader.dataset.pipeline:
        if step['type'] == 'LoadAVAudio':
            step['representation'] = 'feature'
    with pytest.raises(ValueError, match="representation='feature'"):
        ClipPipeline(cfg)


def _run_main(path, argv, monkeypatch):
    module = load_tool_module(path)
    monkeypatch.setattr('sys.argv', [path] + [str(a) for a in argv])
    module.main()


def _assert_png(path):
    assert osp.isfile(path), path
    image = mmcv.imread(path)
    assert image is not None and image.size > 0 and image.std() > 0, path


def test_video_demo_writes_a_playable_mp4_with_the_audio(
        trained, tmp_path, monkeypatch):
    root, ckpt, preds = trained
    frames, wave, rate = _clip_arrays(root, sorted(preds)[0])
    src = benchmark_frames_video(str(tmp_path / 'in.mp4'), frames, wave,
                                 rate, fps=4, lossless=False)
    out = str(tmp_path / 'out.mp4')
    _run_main('demo/video_demo.py', [
        RAVS, ckpt, src, '--out', out, '--frames-dir', tmp_path / 'pngs',
        '--show-maps', '--cfg-options', 'model.audio_backbone.init_cfg=None'
    ], monkeypatch)
    info = probe_video(out)  # decodes: has video and an audio stream
    src_info = probe_video(src)
    assert info.num_frames == 20 and info.duration == src_info.duration
    np.testing.assert_array_equal(
        read_audio_track(info)[0], read_audio_track(src_info)[0])
    import av
    with av.open(out) as container:
        assert container.streams.video[0].codec_context.name == 'h264'
        assert len(container.streams.audio) == 1
    for index in (3, 7, 11, 15, 19):
        for suffix in ('', '_uncertainty', '_groups'):
            _assert_png(str(tmp_path / 'pngs' / 'in' /
                            f'{index:06d}{suffix}.png'))


def test_frames_demo_writes_overlays_masks_and_video(trained, tmp_path,
                                                     monkeypatch):
    root, ckpt, preds = trained
    folder, wav = _clip_files(root, sorted(preds)[0])
    out_dir = tmp_path / 'out'
    _run_main('demo/frames_demo.py', [
        RAVS, ckpt, folder, wav, '--out-dir', out_dir, '--video',
        tmp_path / 'f.mp4', '--cfg-options',
        'model.audio_backbone.init_cfg=None'
    ], monkeypatch)
    name = osp.basename(folder)
    for index in range(5):
        _assert_png(str(out_dir / 'vis' / name / f'{index:06d}.png'))
        mask = mmcv.imread(
            str(out_dir / 'pred' / name / f'{index:06d}.png'), 'unchanged')
        assert mask.shape == (32, 32) and set(np.unique(mask)) <= {0, 1}
    info = probe_video(str(tmp_path / 'f.mp4'))
    audio, rate = read_audio_track(info)
    wave, _ = sf.read(wav)
    assert info.num_frames == 5 and rate == 16000
    assert np.corrcoef(audio[0, :len(wave) - 2048],
                       wave[:len(wave) - 2048])[0, 1] > 0.95


def test_test_tool_show_maps(trained, tmp_path):
    root, ckpt, _ = trained
    run_tool([
        'tools/test.py', RAVS, ckpt, '--work-dir',
        str(tmp_path), '--show-dir', 'vis', '--show-maps', '--cfg-options'
    ] + small_run_options(root) + NO_ENCODER)
    import glob
    overlays = glob.glob(str(tmp_path / '*' / 'vis' / '*' / '[0-9].png'))
    assert len(overlays) == 7 * 5
    for path in overlays[:3]:
        stem = path[:-len('.png')]
        _assert_png(stem + '_uncertainty.png')
        _assert_png(stem + '_groups.png')


def test_analysis_tools_write_pngs(trained, tmp_path, monkeypatch,
                                   capsys):
    root, ckpt, preds = trained
    clip = sorted(preds)[2]
    _run_main('tools/analysis_tools/visualize_maps.py', [
        RAVS, ckpt, '--clip', clip, '--data-root', root, '--out',
        tmp_path / 'maps.png', '--cfg-options',
        'model.audio_backbone.init_cfg=None'
    ], monkeypatch)
    _assert_png(str(tmp_path / 'maps.png'))
    assert "rows ['frame', 'gt', 'pred', 'uncertainty', 'groups']" in \
        capsys.readouterr().out
    _run_main('tools/analysis_tools/browse_dataset.py', [
        RAVS, '--data-root', root, '--num', '2', '--out-dir',
        tmp_path / 'browse'
    ], monkeypatch)
    pngs = sorted(os.listdir(tmp_path / 'browse'))
    assert len(pngs) == 2
    for png in pngs:
        _assert_png(str(tmp_path / 'browse' / png))

    robust_ckpt = _train(ROBUST, root, str(tmp_path / 'robust'), 4,
                         wrapped=True)
    s4_clip = 's4_test_0000'
    _run_main('tools/analysis_tools/robust_conditions.py', [
        ROBUST, robust_ckpt, '--clip', s4_clip, '--data-root', root,
        '--out', tmp_path / 'robust.png', '--cfg-options',
        'model.audio_backbone.init_cfg=None'
    ], monkeypatch)
    _assert_png(str(tmp_path / 'robust.png'))
    out = capsys.readouterr().out
    for cond in ('positive', 'silence', 'noise', 'offscreen'):
        assert cond in out
    _run_main('tools/analysis_tools/similarity_hist.py', [
        ROBUST, robust_ckpt, '--init', '--data-root', root, '--out',
        tmp_path / 'sim.png', '--cfg-options',
        'model.audio_backbone.init_cfg=None'
    ], monkeypatch)
    _assert_png(str(tmp_path / 'sim.png'))
    out = capsys.readouterr().out
    # 7 test clips x 5 frames: 35 positive and 105 negative pairs per model
    assert out.count('positive pairs 35 frames') == 2
    assert out.count('negative pairs 105 frames') == 2
    with pytest.raises(ValueError, match='AVSimilarityLoss'):
        _run_main('tools/analysis_tools/similarity_hist.py', [
            RAVS, ckpt, '--data-root', root, '--out', tmp_path / 'x.png',
            '--cfg-options', 'model.audio_backbone.init_cfg=None'
        ], monkeypatch)
