#!/usr/bin/env bash
# The main job, from a fresh clone: bash tools/run_demo.sh [CONFIG] [WORK_DIR]
#
# 1. sets up (or reuses) the environment (tools/setup_env.sh);
# 2. generates SynthAVS into data/synthavs unless it is already there, and
#    pretrains the tiny configs' frozen audio encoder on its train audio
#    (a rerun says that both are reused);
# 3. trains CONFIG on CPU (default: the tiny RAVS config, 300 iterations);
# 4. evaluates the last checkpoint on the SynthAVS test split and writes
#    WORK_DIR/test/metrics.json and mask overlays WORK_DIR/test/<run>/vis/<clip>/<frame>.png.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CONFIG=${1:-configs/ravs/ravs_simpleconv_1xb4-300it_synthavs-ms3-64x64.py}
WORK_DIR=${2:-work_dirs/demo}
VENV=$(bash "$ROOT/tools/setup_env.sh")
PY="$VENV/bin/python"
cd "$ROOT"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
# one compute thread per process (the trainer and its data workers): the
# tiny models gain nothing from more, and on a busy 2-core machine threads
# that wait for each other make training an order of magnitude slower
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}

"$PY" tools/dataset_converters/make_synthavs.py --ensure --workers 2
"$PY" tools/train.py "$CONFIG" --work-dir "$WORK_DIR" --cfg-options randomness.seed=0
CKPT=$(cat "$WORK_DIR/last_checkpoint")
"$PY" tools/test.py "$CONFIG" "$CKPT" --work-dir "$WORK_DIR/test" --show-dir vis
echo "[run_demo] metrics: $WORK_DIR/test/metrics.json"
cat "$WORK_DIR/test/metrics.json"
