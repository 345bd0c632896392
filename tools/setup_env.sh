#!/usr/bin/env bash
# Create (once) or reuse the mmavs virtual environment and link it as ./.venv.
#
# The environment lives outside the clone, under ${MMAVS_CACHE:-~/.cache/mmavs}/venv-<key>,
# where <key> hashes requirements/pinned.txt, requirements/constraints.txt and the Python
# version: a second run with nothing changed reuses it without touching pip. mmavs itself is
# not installed into it (several clones may share one environment); the tools put their own
# clone first on sys.path. Set MMAVS_PYTHON to choose the interpreter (default: python3).
# `tools/setup_env.sh --path` only prints where the environment for these requirements lives.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PY=${MMAVS_PYTHON:-python3}
CACHE=${MMAVS_CACHE:-$HOME/.cache/mmavs}
KEY=$( { cat "$ROOT/requirements/pinned.txt" "$ROOT/requirements/constraints.txt"; \
         "$PY" -c 'import sys; print(sys.version)'; } | sha256sum | cut -c1-16)
VENV="$CACHE/venv-$KEY"
if [ "${1:-}" = "--path" ]; then
  echo "$VENV"
  exit 0
fi
mkdir -p "$CACHE"

(
  flock 9
  if [ ! -f "$VENV/.mmavs-ready" ]; then
    echo "[setup_env] creating $VENV (first run with these requirements)" >&2
    rm -rf "$VENV"
    "$PY" -m venv "$VENV"
    LOG="$CACHE/install-$KEY.log"
    if ! { "$VENV/bin/python" -m pip install --disable-pip-version-check 'setuptools<82' wheel &&
           "$VENV/bin/python" -m pip install --disable-pip-version-check \
             -r "$ROOT/requirements/pinned.txt" -c "$ROOT/requirements/constraints.txt"; } \
         > "$LOG" 2>&1; then
      grep -v "is ignored: it is neither a file nor a directory" "$LOG" | tail -n 40 >&2
      echo "[setup_env] pip install failed; full log: $LOG" >&2
      exit 1
    fi
    "$VENV/bin/python" -c "import torch, mmengine, mmcv, mmseg, librosa, timm, resampy" \
      || { echo "[setup_env] the new environment does not import; see above" >&2; exit 1; }
    touch "$VENV/.mmavs-ready"
  fi
) 9>"$CACHE/.lock-$KEY"

ln -sfn "$VENV" "$ROOT/.venv"
echo "$VENV"
