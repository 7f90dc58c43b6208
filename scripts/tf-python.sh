#!/usr/bin/env bash
# Usage: tf-python.sh [2.9.1]
# Makes a Python venv with real TensorFlow in a cache outside the repo and prints its python's path, for
# the interop tests and scripts/tf-fixtures.py. With no argument: the pinned current tensorflow-cpu 2.x
# on the default python3, with TensorBoard (no longer a dependency of TensorFlow), numpy and pytest.
# With 2.9.1: the version tfjs-node 4.22.0 links (its wheel from scripts/tf-wheel.sh), on Python 3.10
# with numpy<1.24 as that version needs, for fixtures that tfjs-node must be able to read, and with
# tensorflow-io 0.26 (TensorFlow's own S3 filesystem on aws-sdk-cpp, for this TensorFlow version; no
# tensorflow-io release supports 2.21), the peer of npm run bench's TensorFlow rows.
# Idempotent: builds the venv only when it is missing, unfinished, or made for other packages.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/versions.sh"
version=${1:-$TF_CURRENT}
cache=${S3FS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/s3fs-native}
dir="$cache/tf-python-$version"

case $version in
  "$TF_CURRENT") requirements=("tensorflow-cpu==$version" "tensorboard==$TENSORBOARD_VERSION" numpy pytest) ;;
  "$LIBTENSORFLOW_VERSION") requirements=("tensorflow-cpu==$version" "numpy<1.24" "tensorflow-io==$TENSORFLOW_IO_VERSION") ;;
  *) echo "usage: $0 [$LIBTENSORFLOW_VERSION]   (no argument: tensorflow-cpu $TF_CURRENT)" >&2; exit 2 ;;
esac
stamp="$dir/.complete-$(echo "${requirements[*]}" | sha256sum | cut -c1-12)"

if [ ! -f "$stamp" ]; then
  python=python3
  packages=("${requirements[@]}")
  if [ "$version" = "$LIBTENSORFLOW_VERSION" ]; then
    python=python3.10
    if command -v pyenv >/dev/null; then python="$(pyenv root)/versions/$(pyenv latest 3.10)/bin/python3.10"; fi
    # The wheel tfjs-node's libtensorflow comes from, downloaded once for both.
    packages[0]=$("$(dirname "${BASH_SOURCE[0]}")/tf-wheel.sh")
  fi

  echo "s3fs-native: making a venv with tensorflow-cpu $version in $dir (a minute or two, once)" >&2
  rm -rf "$dir"
  "$python" -m venv "$dir"
  "$dir/bin/python" -m pip install -q "${packages[@]}" >&2
  TF_CPP_MIN_LOG_LEVEL=2 "$dir/bin/python" -c 'import tensorflow as tf, tensorboard
print("s3fs-native: TensorFlow", tf.__version__, "TensorBoard", tensorboard.__version__)' >&2
  touch "$stamp"
fi
echo "$dir/bin/python"
