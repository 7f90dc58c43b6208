#!/usr/bin/env bash
# Sets up the clients npm run bench -- --peers measures against, cached outside the repository, and
# prints the venv's python: pyarrow (aws-sdk-cpp), s3torchconnectorclient (Amazon's Mountpoint CRT
# client, the engine of s3torchconnector without PyTorch) and boto3. (s5cmd is not among them: the
# Go module proxy reachable here refuses github.com/peak/s5cmd and its /v2, 403 for every version.)
# Idempotent: the venv is made only when missing or made for other versions.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/versions.sh"
cache=${S3FS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/s3fs-native}

requirements=("pyarrow==$PYARROW_VERSION" "s3torchconnectorclient==$S3TORCH_VERSION" "boto3==$BOTO3_VERSION")
venv="$cache/bench-peers-venv"
stamp="$venv/.complete-$(echo "${requirements[*]}" | sha256sum | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  echo "s3fs-native: making a venv with ${requirements[*]} in $venv (once)" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q "${requirements[@]}" >&2
  touch "$stamp"
fi

echo "$venv/bin/python"
