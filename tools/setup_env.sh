#!/usr/bin/env bash
# Create (once) or reuse the mmavs environment and install this clone into it (editable).
#
# Two layers:
# 1. a heavy, shared environment (torch, mmengine, mmseg, ...) under
#    ${MMAVS_CACHE:-~/.cache/mmavs}/venv-<key>, where <key> hashes requirements/pinned.txt,
#    requirements/constraints.txt and the Python version: every clone with the same
#    requirements reuses it without touching pip. mmavs is never installed into it.
# 2. ./.venv, this clone's own light virtual environment: a .pth file adds the shared
#    environment's site-packages (after its own), and mmavs is installed into it in editable
#    mode (`pip install --no-deps -e .`), so `.venv/bin/python` imports this clone's mmavs
#    and no other clone's. The shared environment's console scripts (pytest, mim,
#    sphinx-build, ...) get wrappers in .venv/bin that run them with .venv/bin/python.
#
# Prints the path of ./.venv. Set MMAVS_PYTHON to choose the interpreter (default:
# python3). `tools/setup_env.sh --path` only prints where the shared environment for these
# requirements lives.
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

SHARED_SITE=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
# A package named mmavs in the shared environment would be seen by every clone.
for f in "$SHARED_SITE"/mmavs "$SHARED_SITE"/mmavs-*.dist-info "$SHARED_SITE"/__editable__*mmavs*; do
  if [ -e "$f" ]; then
    echo "[setup_env] the shared environment $VENV holds an mmavs installation ($f);" \
         "uninstall it (its pip uninstall mmavs): mmavs belongs in each clone's .venv" >&2
    exit 1
  fi
done

LOCAL="$ROOT/.venv"
# What the clone's environment was made from: the shared environment, the clone's path
# (a venv is not relocatable), the package metadata of the editable install and this script.
STAMP=$( { echo "$VENV"; echo "$ROOT"; cat "$ROOT/setup.py" "$ROOT/setup.cfg" \
           "$ROOT/mmavs/version.py" "$ROOT/tools/setup_env.sh"; ls "$VENV/bin"; } | sha256sum | cut -c1-16)
(
  flock 9
  if [ -L "$LOCAL" ]; then
    rm "$LOCAL"  # the former layout: .venv was a link to the shared environment
  fi
  if [ -f "$LOCAL/.mmavs-stamp" ] && [ "$(cat "$LOCAL/.mmavs-stamp")" = "$STAMP" ] &&
     [ -e "$ROOT/mmavs/.mim/configs" ]; then
    exit 0
  fi
  if [ -e "$LOCAL" ] && [ ! -f "$LOCAL/.mmavs-clone-env" ]; then
    echo "[setup_env] $LOCAL exists but was not made by tools/setup_env.sh; move it away" >&2
    exit 1
  fi
  echo "[setup_env] making $LOCAL (this clone's environment over $VENV)" >&2
  rm -rf "$LOCAL"
  "$VENV/bin/python" -m venv --without-pip "$LOCAL"
  touch "$LOCAL/.mmavs-clone-env"  # made here: a later run may remove and remake it
  SITE=$("$LOCAL/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  # Appended after the clone's own site-packages; addsitedir also runs the .pth files there.
  echo "import site; site.addsitedir('$SHARED_SITE')" > "$SITE/_mmavs_shared_env.pth"
  SHARED_BIN=$(cd "$VENV/bin" && pwd -P)
  for script in "$VENV"/bin/*; do
    name=$(basename "$script")
    case "$name" in python*|activate*|Activate*) continue ;; esac
    [ -f "$script" ] || continue
    first=$(head -n 1 "$script")
    interp=${first#\#!}
    case "$(basename "$interp")" in python|python3|python3.*) ;; *) continue ;; esac
    if [ "$first" != "$interp" ] &&
       [ "$(cd "$(dirname "$interp")" 2>/dev/null && pwd -P)" = "$SHARED_BIN" ]; then
      { echo "#!$LOCAL/bin/python"; tail -n +2 "$script"; } > "$LOCAL/bin/$name"
      chmod +x "$LOCAL/bin/$name"
    fi
  done
  LOG="$LOCAL/install-mmavs.log"
  if ! "$LOCAL/bin/python" -m pip install --disable-pip-version-check --no-index --no-deps \
       --no-build-isolation --config-settings editable_mode=compat -e "$ROOT" > "$LOG" 2>&1; then
    tail -n 40 "$LOG" >&2
    echo "[setup_env] editable install of $ROOT failed; full log: $LOG" >&2
    exit 1
  fi
  echo "$STAMP" > "$LOCAL/.mmavs-stamp"
) 9>"$CACHE/.lock-clone-$(echo "$ROOT" | sha256sum | cut -c1-16)"

echo "$LOCAL"
