# Copyright (c) mmavs contributors. All rights reserved.
"""Checkpoints load with weights_only=True and an explicit allow-list."""
import io
import os.path as osp
import pickle
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub
from mmengine.runner.checkpoint import (CheckpointLoader, _load_checkpoint,
                                        load_checkpoint)
from torch import nn

import mmavs  # noqa: F401  (installs the loader)
from mmavs.compat import (UnreadableCheckpointError, UnsafeCheckpointError,
                          allow_unsafe_load, install_checkpoint_loader)
from mmavs.compat.numpy_globals import numpy_array_globals
from mmavs.engine.runner.avs_runner import AVSRunner, ResumePathError
from mmavs.testing import log_records, write_malicious_checkpoint


def _mmengine_like(path, **extra):
    """What Runner.save_checkpoint writes: weights, numpy-holding message
    hub (HistoryBuffer), meta with numpy scalars."""
    hub = MessageHub.get_instance('mmavs_ckpt_test')
    for value in (0.5, 0.25):
        hub.update_scalar('train/loss', value)
    torch.save(
        dict(
            meta=dict(
                epoch=1, iter=10, best=np.float64(0.75), count=np.int64(3)),
            state_dict={'w': torch.ones(2)},
            message_hub=hub.state_dict(),
            **extra), path)
    return path


def test_mmengine_checkpoint_loads_with_weights_only(tmp_path):
    ckpt = _load_checkpoint(_mmengine_like(str(tmp_path / 'iter_10.pth')))
    assert ckpt['meta']['iter'] == 10
    assert ckpt['meta']['best'] == 0.75 and ckpt['meta']['count'] == 3
    torch.testing.assert_close(ckpt['state_dict']['w'], torch.ones(2))
    buffer = ckpt['message_hub']['log_scalars']['train/loss']
    assert isinstance(buffer, HistoryBuffer)
    assert buffer.mean() == pytest.approx(0.375)  # statistics methods work


def test_loads_in_several_threads_at_once(tmp_path):
    """torch's safe_globals is one process-wide list: concurrent loads must
    not remove each other's allow-list (a tool loading in a thread pool)."""
    from concurrent.futures import ThreadPoolExecutor
    path = _mmengine_like(str(tmp_path / 'iter_10.pth'))

    def load(_):
        return _load_checkpoint(path)['meta']['iter']

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(load, range(100))) == [10] * 100


def test_payload_never_runs(tmp_path):
    marker = str(tmp_path / 'pwned')
    path = write_malicious_checkpoint(
        str(tmp_path / 'evil.pth'), marker, state_dict={'w': torch.ones(2)})
    with pytest.raises(UnsafeCheckpointError) as err:
        _load_checkpoint(path)
    message = str(err.value)
    assert path in message and 'allow-list' in message
    assert 'io.open' in message and '--unsafe-load' in message
    # the same loader serves load_checkpoint and init_cfg=Pretrained
    model = nn.Linear(2, 2)
    with pytest.raises(UnsafeCheckpointError):
        load_checkpoint(model, path)
    from mmengine.model import PretrainedInit
    with pytest.raises(UnsafeCheckpointError):
        PretrainedInit(checkpoint=path)(model)
    assert not osp.exists(marker)


class _GetattrPayload:
    """A pickle that asks for ``getattr(HistoryBuffer, '__init__')``."""

    def __reduce__(self):
        return (getattr, (HistoryBuffer, '__init__'))


def test_getattr_only_reaches_history_buffer_statistics(tmp_path):
    path = str(tmp_path / 'getattr.pth')
    torch.save({'x': _GetattrPayload()}, path)
    with pytest.raises(UnsafeCheckpointError, match="'__init__'"):
        _load_checkpoint(path)


def test_numpy_1_and_2_module_names(tmp_path):
    array = np.arange(6, dtype=np.float64).reshape(2, 3)
    buffer = io.BytesIO()
    # the legacy format keeps the pickle stream unframed in the file, so the
    # module name can be rewritten as the other numpy major version writes it
    torch.save({
        'a': array,
        's': np.float32(2.5)
    },
               buffer,
               _use_new_zipfile_serialization=False)
    data = buffer.getvalue()
    names = {b'numpy.core.multiarray', b'numpy._core.multiarray'}
    written = [n for n in names if n + b'\n' in data]
    assert len(written) == 1, 'expected one numpy module name in the pickle'
    other = (names - set(written)).pop()
    for name, content in ((written[0], data),
                          (other,
                           data.replace(written[0] + b'\n', other + b'\n'))):
        path = str(tmp_path / f'{name.decode()}.pth')
        with open(path, 'wb') as f:
            f.write(content)
        ckpt = _load_checkpoint(path)
        np.testing.assert_array_equal(ckpt['a'], array)
        assert ckpt['s'] == np.float32(2.5)
    listed = {name for _, name in numpy_array_globals()}
    assert {
        'numpy.core.multiarray._reconstruct',
        'numpy._core.multiarray._reconstruct', 'numpy.core.multiarray.scalar',
        'numpy._core.multiarray.scalar'
    } <= listed
    assert not any('Object' in n or 'Str' in n for n in listed)


@pytest.mark.parametrize('content', [b'', b'PK\x03\x04truncated', b'hello\n'])
def test_unreadable_checkpoint_names_its_path(tmp_path, content):
    path = str(tmp_path / 'broken.pth')
    with open(path, 'wb') as f:
        f.write(content)
    with pytest.raises(UnreadableCheckpointError) as err:
        _load_checkpoint(path)
    assert f'{path} is not a readable checkpoint' in str(err.value)


def test_truncated_real_checkpoint_is_unreadable(tmp_path):
    path = _mmengine_like(str(tmp_path / 'full.pth'))
    with open(path, 'rb') as f:
        data = f.read()
    cut = str(tmp_path / 'cut.pth')
    with open(cut, 'wb') as f:
        f.write(data[:len(data) // 2])
    with pytest.raises(
            UnreadableCheckpointError,
            match=f'{cut} is not a readable checkpoint'):
        _load_checkpoint(cut)


def test_missing_checkpoint_names_the_path(tmp_path):
    missing = str(tmp_path / 'nope.pth')
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        _load_checkpoint(missing)


def test_unsafe_load_is_per_file_and_warns(tmp_path):
    marker = str(tmp_path / 'ran')
    path = write_malicious_checkpoint(str(tmp_path / 'trusted.pth'), marker)
    other = write_malicious_checkpoint(
        str(tmp_path / 'other.pth'), str(tmp_path / 'ran_other'))
    allow_unsafe_load(path)
    with log_records() as records:
        ckpt = _load_checkpoint(path)
    ckpt['payload'].close()
    assert osp.exists(marker)  # the user asked for it
    warnings = [r.getMessage() for r in records if r.levelname == 'WARNING']
    assert any(f'--unsafe-load: unpickling {path}' in m for m in warnings)
    with pytest.raises(UnsafeCheckpointError):
        _load_checkpoint(other)
    assert not osp.exists(str(tmp_path / 'ran_other'))


def test_remote_schemes_load_under_the_allow_list(tmp_path):

    def load_from_mmavstest(filename, map_location=None):
        # like mmengine's remote loaders: torch.load without weights_only
        return torch.load(
            filename[len('mmavstest://'):], map_location=map_location)

    CheckpointLoader.register_scheme('mmavstest://', load_from_mmavstest)
    try:
        install_checkpoint_loader()
        good = _mmengine_like(str(tmp_path / 'remote.pth'))
        ckpt = _load_checkpoint('mmavstest://' + good)
        assert ckpt['meta']['iter'] == 10
        marker = str(tmp_path / 'remote_pwned')
        evil = write_malicious_checkpoint(str(tmp_path / 'r.pth'), marker)
        with pytest.raises(pickle.UnpicklingError):
            _load_checkpoint('mmavstest://' + evil)
        assert not osp.exists(marker)
    finally:
        CheckpointLoader._schemes.pop('mmavstest://', None)
    for prefix in ('http://', 'open-mmlab://', r'(\S+\:)?s3://'):
        assert CheckpointLoader._schemes[prefix]._mmavs_allow_listed


def test_auto_resume_stays_inside_the_work_dir(tmp_path):
    work_dir = tmp_path / 'work'
    work_dir.mkdir()
    runner = SimpleNamespace(work_dir=str(work_dir))
    latest = AVSRunner.latest_checkpoint_in_work_dir
    assert latest(runner) is None  # nothing to resume
    inside = str(work_dir / 'iter_4.pth')
    (work_dir / 'last_checkpoint').write_text(inside)
    assert latest(runner) == inside
    outside = str(tmp_path / 'elsewhere' / 'iter_4.pth')
    (work_dir / 'last_checkpoint').write_text(outside)
    with pytest.raises(ResumePathError) as err:
        latest(runner)
    message = str(err.value)
    assert outside in message and 'outside the work dir' in message
    assert f'--resume {outside}' in message
    # a symlink inside the work dir that leads outside is outside too
    (tmp_path / 'elsewhere').mkdir()
    (tmp_path / 'elsewhere' / 'iter_4.pth').write_bytes(b'')
    (work_dir / 'link.pth').symlink_to(tmp_path / 'elsewhere' / 'iter_4.pth')
    (work_dir / 'last_checkpoint').write_text(str(work_dir / 'link.pth'))
    with pytest.raises(ResumePathError):
        latest(runner)
