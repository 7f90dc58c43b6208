#!/usr/bin/env bash
# Builds the addon with AddressSanitizer and UndefinedBehaviorSanitizer into build/asan for npm run
# test:asan: our code and the core it links instrumented; the CRT and libcrypto as shipped.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/install-build-tools.sh
bash scripts/build-crt.sh
# The TensorFlow plugin is not part of this build: it runs inside TensorFlow, not Node.
S3FS_TF_INCLUDE_DIR= node_modules/.bin/cmake-js compile --out build/asan --CDS3FS_SANITIZE=address,undefined --CDS3FS_TF_INCLUDE_DIR=
