#!/usr/bin/env bash
# The README's entry points for a fresh clone: `bash scripts/dev.sh demo | test | start`.
# Makes sure Node 24 runs (installed into a cache outside the clone when the machine's node is older),
# installs exactly the lock file (`npm ci`), then runs that npm script with the same Node on PATH, so
# every process it starts (backend, workerd, vitest workers) uses Node 24 too.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ]; then
  echo "usage: bash scripts/dev.sh <npm script> [args...]   (demo, test, start, bench, ...)" >&2
  exit 2
fi
node_bin="$(bash scripts/ensure-node.sh)"
export PATH="$node_bin:$PATH"
echo "dev.sh: node $(node --version), npm $(npm --version)" >&2
npm ci
exec npm run "$@"
