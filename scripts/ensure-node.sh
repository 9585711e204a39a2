#!/usr/bin/env bash
# Ensures a Node.js of the version in .nvmrc (24 LTS) and prints the directory holding its `node`.
# A machine whose node satisfies package.json's engines (>=24.11) is used as is. Otherwise the official Node binary is
# taken from the npm registry (package node-<os>-<arch>, the same build as nodejs.org) and unpacked
# into a cache outside the clone, keyed by version, so a fresh clone on an older machine needs only
# an npm that can reach the registry. Use it as: PATH="$(bash scripts/ensure-node.sh):$PATH".
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
want="$(tr -d '[:space:]v' <"$root/.nvmrc")"
want_major="${want%%.*}"

# The floor from engines.node (">=24.11"), compared part by part with the machine's version.
floor="$(sed -n 's/.*"node": *">=\([0-9.]*\)".*/\1/p' "$root/package.json" | head -1)"
if command -v node >/dev/null 2>&1 &&
  node -e 'const [a, b] = [process.versions.node, process.argv[1]].map((v) => v.split(".").map(Number));
    const i = a.findIndex((x, k) => x !== (b[k] ?? 0));
    process.exit(i === -1 || a[i] > (b[i] ?? 0) ? 0 : 1);' "${floor:-$want_major}" 2>/dev/null; then
  dirname "$(command -v node)"
  exit 0
fi

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  *) echo "ensure-node: no Node $want package for $(uname -s); install Node $want_major yourself" >&2; exit 1 ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "ensure-node: no Node $want package for $(uname -m); install Node $want_major yourself" >&2; exit 1 ;;
esac

cache="${TINYSCALE_CACHE:-$HOME/.cache/tinyscale}"
dir="$cache/node-v$want-$os-$arch"
if [ ! -x "$dir/bin/node" ]; then
  echo "ensure-node: installing Node $want into $dir" >&2
  mkdir -p "$cache"
  tmp="$(mktemp -d "$cache/.node-XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  # npm pack fetches the tarball (checked against the registry's integrity hash) without running anything.
  tarball="$(cd "$tmp" && npm pack --silent "node-$os-$arch@$want")"
  mkdir -p "$tmp/unpacked"
  tar -xzf "$tmp/$tarball" -C "$tmp/unpacked" --strip-components=1 package/bin/node package/LICENSE
  "$tmp/unpacked/bin/node" --version >/dev/null
  rm -rf "$dir"
  mv "$tmp/unpacked" "$dir"
fi
echo "$dir/bin"
