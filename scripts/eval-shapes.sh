#!/usr/bin/env bash
# `npm run eval:shapes [-- --per-task 20 ...]`: the shapes world's Table 2 through the real backend.
# Builds the gpu-backend, then runs the export tool's evaluation (its venv has the Python judge), which
# starts `node gpu-backend/dist/server.js` on the bundle and talks HTTP to it. TINYSCALE_BUNDLE picks
# another bundle folder; results, plots and the backend's log go to bench/results/.
set -euo pipefail
cd "$(dirname "$0")/.."
bundle="${TINYSCALE_BUNDLE:-gpu-backend/models/shapes}"
if [ ! -f "$bundle/manifest.json" ]; then
  echo "no bundle at $bundle (export it first, or set TINYSCALE_BUNDLE=<folder>)" >&2
  exit 1
fi
bundle="$(cd "$bundle" && pwd)"
results="$(pwd)/bench/results"
npx tsc -b shared gpu-backend
python="$(bash scripts/python-env.sh)"
cd gpu-backend/export
OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" exec "$python" -m shapes.evaluate \
  --bundle "$bundle" --out "$results/shapes-eval-$(basename "$bundle").json" "$@"
