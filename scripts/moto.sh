#!/usr/bin/env bash
# Makes a Python venv with moto's server (the S3 emulator many projects test against) in a cache
# outside the repo and prints the path of its moto_server, for the tests that run against it.
# Idempotent: builds the venv only when it is missing or unfinished.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/versions.sh"
cache=${S3FS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/s3fs-native}
dir="$cache/moto-$MOTO_VERSION"

if [ ! -f "$dir/.complete" ]; then
  echo "s3fs-native: making a venv with moto $MOTO_VERSION in $dir (a minute, once)" >&2
  rm -rf "$dir"
  python3 -m venv "$dir"
  "$dir/bin/python" -m pip install -q "moto[server]==$MOTO_VERSION" >&2
  touch "$dir/.complete"
fi
echo "$dir/bin/moto_server"
