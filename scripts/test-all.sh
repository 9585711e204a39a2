#!/usr/bin/env bash
# The README's test command: build, lint, staleness checks, every TypeScript test, the export tool's tests.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build
npx biome check .
npx vitest run
python="$(bash scripts/python-env.sh)"
(cd gpu-backend/export && "$python" -m pytest -q tests)
