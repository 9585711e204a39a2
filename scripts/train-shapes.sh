#!/usr/bin/env bash
# Trains the shapes world's models from nothing (resuming an interrupted run), then publishes them:
# the trained checkpoints to gpu-backend/models/shapes-weights and the `shapes` bundle exported from them
# to gpu-backend/models/shapes. With --smoke (a few steps per stage) nothing is published.
# usage: npm run train:shapes [-- --device cuda] [-- --smoke]   (run folder: $SHAPES_RUN or .tinyscale/train-shapes)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="$(bash "$root/scripts/python-env.sh")"
smoke=0
for arg in "$@"; do [ "$arg" = "--smoke" ] && smoke=1; done
run="${SHAPES_RUN:-$root/.tinyscale/train-shapes$([ $smoke = 1 ] && echo -smoke)}"
cd "$root/gpu-backend/export"
"$python" -m shapes.train --out "$run" "$@"
[ $smoke = 1 ] && exit 0
rm -rf ../models/shapes-weights
cp -r "$run/weights" ../models/shapes-weights
"$python" -m export --config shapes --weights ../models/shapes-weights --out ../models/shapes
