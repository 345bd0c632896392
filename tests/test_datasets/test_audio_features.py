# Copyright (c) mmavs contributors. All rights reserved.
"""The audio front-ends: VGGish log-mel parity, lengths, windows."""
import ast
import hashlib
import importlib.util
import os.path as osp

import numpy as np
import pytest
import resampy
import soundfile as sf
import torch

import mmavs  # noqa: F401
from mmavs.datasets.audio_features import (
    centre_crop_or_tile, clap_quantize, fill_to_length, fit_length,
    pan_to_stereo, vggish_examples, vggish_log_mel, vggish_mel_matrix,
    waveform_to_vggish_examples, waveform_windows)
from mmavs.datasets.audio_io import AudioFileError, load_audio
from mmavs.testing import repo_root


# ---------------------------------------------------------------------------
# An independent, straightforward transcription of the formulas of the
# AudioSet VGGish release (mel_features.py / vggish_params.py).
# ---------------------------------------------------------------------------
def _reference_mel_matrix():
    nyquist = 8000.0
    fft_bins = 257

    def mel(hz):
        return 1127.0 * np.log(1.0 + hz / 700.0)

    edges = np.linspace(mel(125.0), mel(7500.0), 64 + 2)
    matrix = np.zeros((fft_bins, 64))
    for band in range(64):
        lower, centre, upper = edges[band:band + 3]
        for k in range(fft_bins):
            m = mel(k * nyquist / (fft_bins - 1))
            rising = (m - lower) / (centre - lower)
            falling = (upper - m) / (upper - centre)
            matrix[k, band] = max(0.0, min(rising, falling))
    matrix[0, :] = 0.0
    return matrix


def _reference_examples(wave16k, matrix):
    window, hop, fft = 400, 160, 512
    hann = np.array(
        [0.5 - 0.5 * np.cos(2 * np.pi * n / window) for n in range(window)])
    num = 1 + (len(wave16k) - window) // hop
    rows = []
    for t in range(num):
        frame = wave16k[t * hop:t * hop + window] * hann
        magnitude = np.abs(np.fft.rfft(frame, fft))
        rows.append(np.log(magnitude @ matrix + 0.01))
    log_mel = np.array(rows)
    count = 1 + (len(log_mel) - 96) // 96
    return np.stack([log_mel[i * 96:(i + 1) * 96] for i in range(count)])


def test_mel_matrix_matches_reference():
    ours = vggish_mel_matrix()
    assert ours.shape == (257, 64)
    np.testing.assert_allclose(ours, _reference_mel_matrix(), atol=1e-12)
    assert not ours.flags.writeable


def test_vggish_parity_on_real_recordings(unseen_audio_files):
    """Max |ours - reference| <= 1e-4 on all 15 shared recordings (real
    stereo at 24 / 44.1 / 48 kHz)."""
    files = unseen_audio_files
    assert len(files) == 15
    matrix = _reference_mel_matrix()
    for path in files:
        # reference reading: int16 / 32768, mean over channels
        pcm, sr = sf.read(path, dtype='int16')
        ref_wave = (pcm / 32768.0).mean(axis=1)
        wave, sr2 = load_audio(path, mono=True)
        assert sr2 == sr
        np.testing.assert_array_equal(wave, ref_wave)
        # reference resampling: resampy's default (kaiser_best) filter
        wave16k = resampy.resample(ref_wave, sr, 16000)
        reference = _reference_examples(wave16k, matrix)
        # the full front-end (resampling inside) ...
        ours = waveform_to_vggish_examples(wave, sr, source=path)
        # ... and the log-mel stage alone on the shared 16 kHz waveform
        ours16k = vggish_examples(vggish_log_mel(wave16k))
        assert ours.dtype == np.float32
        assert ours.shape == reference.shape == (5, 96, 64), path
        diff = max(
            np.abs(ours - reference).max(),
            np.abs(ours16k - reference).max())
        assert diff <= 1e-4, f'{osp.basename(path)}: max diff {diff}'


def test_vggish_front_end_matches_torchvggish_golden(unseen_audio_files):
    """Rows of the examples torchvggish computed for one recording
    (tools/misc/make_vggish_golden.py), from the file through our whole
    front-end (load_audio + waveform_to_vggish_examples)."""
    golden = np.load(
        osp.join(repo_root(), 'tests', 'golden',
                 'vggish_golden_sheep_segment.npz'))
    path = next(
        p for p in unseen_audio_files if osp.basename(p) == str(golden['recording']))
    with open(path, 'rb') as f:
        assert hashlib.sha256(f.read()).hexdigest() == str(
            golden['sha256']), f'{path} is not the recording of the golden'
    wave, sr = load_audio(path, mono=True)
    assert sr == 44100  # resampled to 16 kHz inside
    ours = waveform_to_vggish_examples(wave, sr, source=path)
    assert ours.shape == tuple(golden['full_shape']) == (5, 96, 64)
    rows = ours[:, golden['frames']]
    np.testing.assert_allclose(rows, golden['examples'], rtol=0, atol=1e-4)


def test_vggish_too_short_names_source():
    with pytest.raises(AudioFileError, match='clipX.*too short'):
        waveform_to_vggish_examples(np.zeros(15000), 16000, source='clipX')
    assert waveform_to_vggish_examples(np.zeros(15600),
                                       16000).shape == (1, 96, 64)


def test_fit_length_repeat_zero_trim():
    arr = np.arange(3)[:, None] * np.ones((3, 2))
    np.testing.assert_array_equal(fit_length(arr, 5)[:, 0], [0, 1, 2, 2, 2])
    np.testing.assert_array_equal(
        fit_length(arr, 5, 'zero')[:, 0], [0, 1, 2, 0, 0])
    np.testing.assert_array_equal(fit_length(arr, 2)[:, 0], [0, 1])
    with pytest.raises(ValueError, match="pad_mode.*got 'edge'"):
        fit_length(arr, 4, 'edge')


def test_centre_crop_or_tile_and_pan():
    wave = np.arange(10.0)
    np.testing.assert_array_equal(centre_crop_or_tile(wave, 4), [3, 4, 5, 6])
    np.testing.assert_array_equal(
        centre_crop_or_tile(np.arange(3.0), 7), [0, 1, 2, 0, 1, 2, 0])
    stereo = pan_to_stereo(np.ones(4), 0.25)
    np.testing.assert_allclose(stereo, [[0.75] * 4, [0.25] * 4])
    with pytest.raises(ValueError, match=r'\[0, 1\], got 1\.5'):
        pan_to_stereo(np.ones(4), 1.5)


def _laion_clap_get_audio_features():
    """``get_audio_features`` compiled from the installed laion_clap source,
    without importing the package (its import downloads tokenizers)."""
    spec = importlib.util.find_spec('laion_clap')
    if spec is None:
        return None
    src_path = osp.join(osp.dirname(spec.origin), 'training', 'data.py')
    tree = ast.parse(open(src_path).read())
    func = next(
        n for n in tree.body
        if isinstance(n, ast.FunctionDef) and n.name == 'get_audio_features')
    namespace = dict(
        torch=torch,
        np=np,
        F=torch.nn.functional,
        suppress=__import__('contextlib').suppress)
    exec(compile(ast.Module([func], []), src_path, 'exec'), namespace)
    return namespace['get_audio_features']


def test_repeatpad_matches_clap():
    chunk = np.random.default_rng(0).standard_normal(7000).astype(np.float32)
    ours = fill_to_length(chunk, 48000, 'repeatpad')
    clap = _laion_clap_get_audio_features()
    if clap is not None:
        sample = clap({},
                      torch.from_numpy(chunk),
                      48000,
                      'rand_trunc',
                      'repeatpad',
                      audio_cfg={})
        expected = sample['waveform'].numpy()
    else:  # the same rule, transcribed: repeat int(max/len) times, zero-pad
        expected = np.pad(np.tile(chunk, 48000 // 7000), (0, 48000 - 42000))
    np.testing.assert_array_equal(ours, expected)
    assert ours[42000:].max() == 0 and ours[41999] == chunk[-1]


def test_waveform_windows_and_quantize():
    sr = 1000
    wave = np.arange(2500) / 2500.0  # 2.5 s
    win = waveform_windows(wave, sr, num_windows=4)
    assert win.shape == (4, 1000)
    np.testing.assert_array_equal(win[1], wave[1000:2000])
    # partial third window is repeat-padded (500 samples twice)
    np.testing.assert_array_equal(win[2], np.tile(wave[2000:], 2))
    # frames after the end repeat the last window
    np.testing.assert_array_equal(win[3], win[2])
    zero = waveform_windows(wave, sr, 4, pad_mode='zero')
    assert not zero[3].any()
    long = waveform_windows(wave, sr, 2, max_len=3500)
    assert long.shape == (2, 3500)
    np.testing.assert_array_equal(long[0, 3000:], 0)
    np.testing.assert_array_equal(long[0, 1000:2000], wave[:1000])
    stereo = waveform_windows(np.stack([wave, -wave]), sr, 3)
    assert stereo.shape == (3, 2, 1000)
    np.testing.assert_array_equal(stereo[1, 1], -wave[1000:2000])
    q = clap_quantize(np.array([0.5, 2.0, -0.1234567]))
    np.testing.assert_allclose(
        q, np.array([16383, 32767, -4045]) / 32767.0, rtol=0, atol=1e-7)
