# Copyright (c) mmavs contributors. All rights reserved.
"""The few shims the pinned OpenMMLab stack needs (design notes §6).

Each shim is one module, documented at its top and unit-tested in
``tests/test_compat``:

* :mod:`.mmcv_ops` – pure-PyTorch ``mmcv.ops`` when compiled mmcv is absent;
* :mod:`.checkpoint` – mmengine checkpoints under torch's ``weights_only``
  default, for the files the user names;
* :mod:`.numpy_globals` – the numpy scalar/dtype globals a weights-only load
  may allow (numpy scalars in published training checkpoints);
* :mod:`.dist` – multi-process CPU training with gloo (no
  ``cuda.set_device``, no DDP ``device_ids``, BN instead of SyncBN).
"""
from .checkpoint import install_checkpoint_loader, trust_checkpoint
from .dist import cpu_distributed, init_cpu_dist, wrap_cpu_ddp
from .mmcv_ops import compiled_mmcv_available, install_mmcv_ops_fallback


def install() -> None:
    """Activate the import-time shims (idempotent)."""
    install_mmcv_ops_fallback()
    install_checkpoint_loader()


__all__ = [
    'install', 'install_mmcv_ops_fallback', 'compiled_mmcv_available',
    'install_checkpoint_loader', 'trust_checkpoint', 'cpu_distributed',
    'init_cpu_dist', 'wrap_cpu_ddp'
]
