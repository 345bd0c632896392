# Copyright (c) mmavs contributors. All rights reserved.
"""Run the command-line tools in subprocesses (integration tests)."""
import os
import subprocess
import sys
from typing import Dict, List, Optional, Sequence

from mmavs.utils.paths import repo_root


def tool_env() -> Dict[str, str]:
    """Environment for a tool subprocess: offline, one thread.

    ``PYTHONPATH`` is not set: the tools import the mmavs that the running
    interpreter has installed (``.venv/bin/python`` imports this clone's).
    """
    env = dict(os.environ)
    env.update(
        HF_HUB_OFFLINE='1', TRANSFORMERS_OFFLINE='1', OMP_NUM_THREADS='1')
    return env


def run_tool(args: Sequence[str],
             timeout: float = 600,
             check: bool = True) -> subprocess.CompletedProcess:
    """Run ``tools/<script>`` (a .py with this interpreter, or a .sh).

    Args:
        args (Sequence[str]): Script path relative to the repo root, then its
            arguments.
        timeout (float): Seconds before the tool is killed.
        check (bool): Raise with the tool's output if it fails.

    Returns:
        subprocess.CompletedProcess: With ``stdout``/``stderr`` as text.
    """
    script = os.path.join(repo_root(), args[0])
    cmd: List[str] = ([sys.executable, script]
                      if script.endswith('.py') else ['bash', script])
    env = tool_env()
    env.setdefault('PYTHON', sys.executable)
    proc = subprocess.run(
        cmd + list(args[1:]),
        cwd=repo_root(),
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(
            f'{" ".join(args)} exited with {proc.returncode}\n'
            f'--- stdout ---\n{proc.stdout[-4000:]}\n'
            f'--- stderr ---\n{proc.stderr[-6000:]}')
    return proc


def data_root_options(root: str, layout_dir: str = '') -> List[str]:
    """``--cfg-options`` pointing all three dataloaders at ``root``."""
    path = os.path.join(root, layout_dir) if layout_dir else root
    path = path.rstrip('/') + '/'
    return [
        f'{split}_dataloader.dataset.data_root={path}'
        for split in ('train', 'val', 'test')
    ]


def small_run_options(root: str,
                      layout_dir: str = '',
                      max_iters: int = 4,
                      val_interval: Optional[int] = None,
                      checkpoint_interval: int = 2) -> List[str]:
    """``--cfg-options`` for a small, deterministic CPU run on ``root``.

    The data roots of all three dataloaders, no worker processes, batches
    of 2, ``max_iters`` iterations validated every ``val_interval``
    (default: at the end), a checkpoint every ``checkpoint_interval``
    iterations, a log line per iteration, seed 0.

    Args:
        root (str): Dataset root.
        layout_dir (str): Sub-folder of ``root`` holding the layout.
        max_iters (int): Training iterations.
        val_interval (int, optional): Validation interval. Defaults to
            ``max_iters``.
        checkpoint_interval (int): Checkpoint interval.

    Returns:
        list[str]: ``key=value`` strings (without ``--cfg-options``).
    """
    opts = data_root_options(root, layout_dir)
    for split in ('train', 'val', 'test'):
        opts += [
            f'{split}_dataloader.num_workers=0',
            f'{split}_dataloader.persistent_workers=False',
            f'{split}_dataloader.batch_size=2',
        ]
    return opts + [
        f'train_cfg.max_iters={max_iters}',
        f'train_cfg.val_interval={val_interval or max_iters}',
        f'default_hooks.checkpoint.interval={checkpoint_interval}',
        'default_hooks.logger.interval=1',
        'randomness.seed=0',
    ]


def load_tool_module(path: str):
    """Import a tool script as a module (to call its functions / main).

    Args:
        path (str): Script path relative to the repo root, e.g.
            ``'tools/model_converters/vggish2mmavs.py'``.

    Returns:
        module: The imported script.
    """
    import importlib.util
    name = '_tool_' + os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(
        name, os.path.join(repo_root(), path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
