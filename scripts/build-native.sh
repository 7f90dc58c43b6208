#!/usr/bin/env bash
# Builds the native addon from source with the system's compiler into build/Release: the CRT first
# when its prefix is missing, then the addon with cmake-js. Node's API headers come from the
# node-api-headers package, never from a download.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/build-crt.sh
if [ -x node_modules/.bin/cmake-js ]; then
  cmake_js=(node_modules/.bin/cmake-js)
else
  # An installed package has no devDependencies: npm brings cmake-js from the registry for this build.
  cmake_js=(npm exec --yes --package="cmake-js@$(node -p "require('./package.json').devDependencies['cmake-js']")" -- cmake-js)
fi
exec "${cmake_js[@]}" compile --out build "$@"
