#!/usr/bin/env bash
# The README's demo command on a machine with Node.js and npm but no C++ toolchain: a fresh clone
# of HEAD in a temporary directory, a PATH that holds node, npm, npx, git and shell utilities only
# (no Python, make or C/C++ compiler), empty npm and pnpm caches and an empty pnpm store. Then
# `npx -y pnpm@10 install && npx -y pnpm@10 demo`. better-sqlite3, an optional dependency that only
# the SQLite store uses on Node 20, is fetched prebuilt where its host is reachable and otherwise
# fails to compile and is skipped; the install succeeds and the demo runs either way.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir "$work/bin"
for tool in node npm npx git sh bash env cat cp mv rm mkdir rmdir ln ls chmod dirname basename \
  uname sed grep tr head tail tee readlink realpath touch date sort wc find xargs tar gzip id which; do
  if path=$(command -v "$tool"); then ln -s "$path" "$work/bin/$tool"; fi
done
for tool in python python3 make gcc g++ cc c++ clang clang++; do
  if PATH="$work/bin" command -v "$tool" >/dev/null; then
    echo "install-without-toolchain: $tool is still reachable" >&2
    exit 1
  fi
done

git clone --quiet --no-hardlinks "$repo" "$work/repo"
cd "$work/repo"
export PATH="$work/bin" npm_config_cache="$work/npm-cache"
started=$(date +%s)
npx -y pnpm@10 install --store-dir "$work/pnpm-store" --cache-dir "$work/pnpm-cache" 2>&1 |
  tee "$work/install.log"
installed=$(date +%s)
npx -y pnpm@10 demo
finished=$(date +%s)

addon=$(find node_modules/.pnpm -path '*better-sqlite3/build/Release/better_sqlite3.node' | head -n 1)
echo "install-without-toolchain: install $((installed - started))s, demo $((finished - installed))s;" \
  "better-sqlite3 ${addon:+prebuilt binary installed}${addon:-not built (skipped)}"
