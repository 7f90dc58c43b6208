#!/usr/bin/env bash
# Installs s3rver, an S3 server written in JavaScript, from npm into a cache outside the repo and
# prints the path of its command: the demo's server where Go cannot build MinIO.
# Needs only Node and npm. Idempotent: installs it only when it is missing or unfinished.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/versions.sh"
cache=${S3FS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/s3fs-native}
dir="$cache/s3rver-$S3RVER_VERSION"

if [ ! -f "$dir/.complete" ]; then
  echo "s3fs-native: installing s3rver $S3RVER_VERSION from npm into $dir (seconds, once)" >&2
  rm -rf "$dir"
  mkdir -p "$dir"
  npm install --prefix "$dir" --no-audit --no-fund --no-save --loglevel=error "s3rver@$S3RVER_VERSION" >&2
  touch "$dir/.complete"
fi
echo "$dir/node_modules/s3rver/bin/s3rver.js"
