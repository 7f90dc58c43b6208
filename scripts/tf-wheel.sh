#!/usr/bin/env bash
# Downloads PyPI's tensorflow-cpu 2.9.1 wheel (cp310, manylinux2014_x86_64, about 207 MB) into a cache
# outside the repo and prints its path. It carries the libtensorflow 2.9.1 C API that tfjs-node 4.22.0
# links against and the filesystem plugin headers; tf-headers.sh, tfjs-node.sh and tf-python.sh 2.9.1
# take them from it. Idempotent: downloads only when the wheel is missing.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/versions.sh"
cache=${S3FS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/s3fs-native}
dir="$cache/tensorflow-cpu-$LIBTENSORFLOW_VERSION-wheel"

if ! compgen -G "$dir/*.whl" >/dev/null; then
  echo "s3fs-native: downloading the tensorflow-cpu $LIBTENSORFLOW_VERSION wheel (about 207 MB, once)" >&2
  rm -rf "$dir.tmp"
  python3 -m pip download -q --no-cache-dir --no-deps --only-binary=:all: --python-version 3.10 \
    --platform manylinux2014_x86_64 --implementation cp -d "$dir.tmp" "tensorflow-cpu==$LIBTENSORFLOW_VERSION" >&2
  mv "$dir.tmp" "$dir"
fi
compgen -G "$dir/*.whl"
