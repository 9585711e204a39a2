#!/usr/bin/env bash
# Ensures a pinned Python environment exists and prints its python path: the export tool's by default,
# or the one for the requirements file given (a path from the repository root, e.g. the contract test's
# reliability/contract/requirements.txt). The venv lives outside the clone, keyed by the requirements'
# hash, so reruns on one machine reuse it (the export tool's torch wheel pulls ~3 GB of CUDA packages).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
req="$root/${1:-gpu-backend/export/requirements.txt}"
hash="$(sha256sum "$req" | cut -c1-12)"
cache="${TINYSCALE_CACHE:-$HOME/.cache/tinyscale}"
venv="$cache/venv-$hash"
if [ ! -x "$venv/bin/python" ] || [ ! -f "$venv/.complete" ]; then
  echo "python-env: creating $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install -q --upgrade pip >&2
  "$venv/bin/pip" install -q -r "$req" >&2
  touch "$venv/.complete"
fi
echo "$venv/bin/python"
