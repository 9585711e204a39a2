#!/usr/bin/env bash
# `npm run release`: versions and packs the SDK (the one published package). Applies the pending
# changesets (sdk/package.json version + sdk/CHANGELOG.md), keeps the lock file in step, packs sdk/ into
# out/release/ (its prepack builds it) and checks the tarball with publint and are-the-types-wrong.
# Publishing stays a deliberate step: the last line prints the `npm publish` command.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$(bash scripts/ensure-node.sh):$PATH"
pending=(.changeset/*.md)
if [ "${#pending[@]}" -gt 1 ]; then # README.md is always there
  npx changeset version
else
  echo "release: no pending changesets; packing the current version $(node -p 'require("./sdk/package.json").version')"
fi
# The lock file records each workspace's version, so a bump must reach it before the next `npm ci`.
npm install --package-lock-only --ignore-scripts --no-audit --no-fund
mkdir -p out/release
tarball="$(cd sdk && npm pack --pack-destination ../out/release | tail -1)"
npx tsx sdk/scripts/check-tarball.ts "out/release/$tarball"
echo "to publish: npm publish out/release/$tarball"
