#!/usr/bin/env bash
# The README's test command: build, lint, every TypeScript test (incl. staleness checks of generated
# files), the export tool's Python tests. Every step runs even after a failure; the exit code says if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
failed=()
step() {
  local name="$1"
  shift
  echo "=== $name"
  if ! "$@"; then failed+=("$name"); fi
}
step build npm run build
step lint npx biome check .
step vitest npx vitest run
python="$(bash scripts/python-env.sh)" || failed+=("python-env")
[ -n "${python:-}" ] && step pytest bash -c "cd gpu-backend/export && '$python' -m pytest -q tests"
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED steps: ${failed[*]}"
  exit 1
fi
echo "all test steps passed"
