#!/usr/bin/env bash
# Builds the native addon: the CRT first when its prefix is missing, then the addon with cmake-js.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/build-crt.sh
exec npx --no-install cmake-js compile --out build "$@"
