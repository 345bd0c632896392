# Copyright (c) mmavs contributors. All rights reserved.
import pickle

import numpy as np
import pytest
import torch

from mmavs.compat.numpy_globals import numpy_safe_globals

SCALARS = {
    'lr': np.float64(2.5e-5),  # laion-clap's cosine_lr writes these
    'f32': np.float32(0.5),
    'step': np.int64(7),
    'flag': np.bool_(True),
}


def _saved(tmp_path, obj, name='ckpt.pt'):
    # legacy (non-zip) format: the pickle stream is plain bytes in the file
    path = tmp_path / name
    torch.save(obj, path, _use_new_zipfile_serialization=False)
    return path


def _load(path):
    with torch.serialization.safe_globals(numpy_safe_globals()):
        return torch.load(path, weights_only=True)


def test_numpy_scalars_load_weights_only(tmp_path):
    path = _saved(tmp_path, dict(SCALARS, w=torch.arange(3.)))
    with pytest.raises(pickle.UnpicklingError,
                       match='numpy.core.multiarray.scalar'):
        torch.load(path, weights_only=True)
    out = _load(path)
    for key, value in SCALARS.items():
        assert type(out[key]) is type(value) and out[key] == value, key
    torch.testing.assert_close(out['w'], torch.arange(3.))


def test_numpy2_scalar_name_loads(tmp_path):
    """numpy 2 pickles its scalars as numpy._core.multiarray.scalar."""
    path = _saved(tmp_path, {'lr': np.float64(0.25)})
    data = path.read_bytes()
    old = b'cnumpy.core.multiarray\nscalar\n'
    assert old in data
    path.write_bytes(data.replace(old, b'cnumpy._core.multiarray\nscalar\n'))
    assert _load(path) == {'lr': 0.25}


def test_numpy_arrays_and_other_objects_stay_refused(tmp_path):
    for i, obj in enumerate([np.arange(3), np.random.default_rng(0)]):
        path = _saved(tmp_path, {'x': obj}, f'bad{i}.pt')
        with pytest.raises(pickle.UnpicklingError, match='Unsupported'):
            _load(path)
