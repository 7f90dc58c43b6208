#!/usr/bin/env bash
# Prints an include directory for building a TensorFlow modular filesystem plugin: TensorFlow 2.9.1's C
# API headers (tensorflow/c/**, with experimental/filesystem/filesystem_interface.h, and the
# core/platform/ctstring*.h that tensorflow/c/tf_tstring.h includes), taken from PyPI's tensorflow-cpu
# wheel (scripts/tf-wheel.sh) into a cache outside the repo, since they may not be copied into it.
# Idempotent: extracts only when the directory is missing, and checks that the plugin header compiles.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/versions.sh"
cache=${S3FS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/s3fs-native}
dir="$cache/tf-headers-$LIBTENSORFLOW_VERSION"

if [ ! -d "$dir" ]; then
  wheel=$("$(dirname "${BASH_SOURCE[0]}")/tf-wheel.sh")
  echo "s3fs-native: extracting the TensorFlow $LIBTENSORFLOW_VERSION C API headers" >&2
  rm -rf "$dir.tmp"
  python3 - "$wheel" "$dir.tmp" <<'PY'
import fnmatch, sys, zipfile
wanted = ("tensorflow/include/tensorflow/c/*", "tensorflow/include/tensorflow/core/platform/ctstring*.h")
with zipfile.ZipFile(sys.argv[1]) as wheel:
    wheel.extractall(sys.argv[2], [n for n in wheel.namelist() if any(fnmatch.fnmatch(n, w) for w in wanted)])
PY
  echo '#include "tensorflow/c/experimental/filesystem/filesystem_interface.h"' |
    g++ -x c++ -fsyntax-only -I"$dir.tmp/tensorflow/include" - >&2
  mv "$dir.tmp/tensorflow/include" "$dir"
  rm -rf "$dir.tmp"
fi
echo "$dir"
