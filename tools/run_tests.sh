#!/usr/bin/env bash
# The whole test suite, from a fresh clone: bash tools/run_tests.sh [pytest options]
# Sets up (or reuses) the environment first (this clone installed editable in ./.venv);
# exits with pytest's status.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=$(bash "$ROOT/tools/setup_env.sh")
cd "$ROOT"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
exec "$VENV/bin/python" -m pytest -q --durations=15 "$@"
