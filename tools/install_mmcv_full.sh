#!/usr/bin/env bash
# Optional: replace mmcv-lite by compiled mmcv 2.1.0 in an environment (default: ./.venv).
#   bash tools/install_mmcv_full.sh [VENV]
# No prebuilt mmcv 2.1 wheel exists for torch 2.14; the sdist builds (CPU ops, ~20 min on
# 2 cores) with setuptools<82, no build isolation and -std=c++20 instead of -std=c++17
# (torch 2.14's headers need C++20). mmavs then uses the compiled ops instead of its
# pure-PyTorch fallbacks (mmavs/compat/mmcv_ops.py).
# Into a clone's .venv (made by tools/setup_env.sh), compiled mmcv goes into that clone's
# own site-packages, where it comes before the shared environment's mmcv-lite: other clones
# keep mmcv-lite. tools/setup_env.sh remakes .venv (dropping it) when setup.py, setup.cfg,
# mmavs/version.py or the requirements change.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${1:-$ROOT/.venv}
PIP="$VENV/bin/python -m pip"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
$PIP download --no-deps --no-binary :all: mmcv==2.1.0 -d "$WORK"
tar xf "$WORK"/mmcv-2.1.0.tar.gz -C "$WORK"
sed -i 's/-std=c++17/-std=c++20/g' "$WORK/mmcv-2.1.0/setup.py"
if [ ! -f "$VENV/.mmavs-clone-env" ]; then
  $PIP uninstall -y mmcv-lite
fi
MMCV_WITH_OPS=1 MAX_JOBS=${MAX_JOBS:-2} $PIP install --no-build-isolation "$WORK/mmcv-2.1.0"
"$VENV/bin/python" -c "import mmcv.ops; from mmcv.ops import point_sample, MultiScaleDeformableAttention; print('compiled mmcv', mmcv.__version__)"
