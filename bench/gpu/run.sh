#!/usr/bin/env bash
# One prepared command for a machine with one NVIDIA H100/H200: real-size pipeline, random fp16 weights,
# modes vhs / clip / reference at N ∈ {1,4,6,9,15}; JSON + log to OUT_DIR. Needs nothing from the network:
# where diffusers is missing it installs the wheels carried in .whl/ (see bench/gpu/README.md).
set -euo pipefail
out="${1:?usage: bench/gpu/run.sh OUT_DIR [run.py options]}"
shift
cd "$(dirname "$0")/../.."
mkdir -p "$out"
if ! python3 -c 'import diffusers' 2>/dev/null; then
  [ -d .whl ] || { echo "diffusers is not installed and no .whl/ folder was carried (bench/gpu/README.md)" >&2; exit 1; }
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl
  export PYTHONPATH="/tmp/site${PYTHONPATH:+:$PYTHONPATH}"
fi
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$out/gpu-info.txt"
PYTHONUNBUFFERED=1 python3 bench/gpu/run.py "$out" --runs 7 --warmup 3 --attn sdpa --cuda-graphs "$@" 2>&1 | grep -v "should be kept in float32" | tee "$out/gpu-log.txt"
