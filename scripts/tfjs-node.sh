#!/usr/bin/env bash
# Sets up the real @tensorflow/tfjs-node 4.22.0 in a cache outside the repo, for tests that must run it
# as a user would, and prints its package directory. Its install step would download libtensorflow
# 2.9.1 and a prebuilt binding from hosts these machines cannot reach, so this makes both from the
# package registries alone. libtensorflow is the tensorflow-cpu 2.9.1 wheel's
# _pywrap_tensorflow_internal.so, which exports the whole C API: it gets a stub library defining the
# Python symbols it references (the C API never calls them, the loader still wants them) and the soname
# libtensorflow.so.2. The binding is then built from source against the installed Node's headers.
# Idempotent: sets up only when missing or left unfinished. Needs gcc, g++, python3 and Debian's patchelf
# (installed with apt-get when missing).
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/versions.sh"
scripts=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${S3FS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/s3fs-native}
dir="$cache/tfjs-node-$TFJS_NODE_VERSION"
pkg="$dir/node_modules/@tensorflow/tfjs-node"

if [ ! -f "$dir/.complete" ]; then
  if ! command -v patchelf >/dev/null; then
    echo "s3fs-native: installing patchelf (Debian)" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq patchelf >/dev/null
  fi
  wheel=$("$scripts/tf-wheel.sh")
  headers=$("$scripts/tf-headers.sh")
  echo "s3fs-native: setting up tfjs-node $TFJS_NODE_VERSION in $dir (about a minute, once)" >&2
  rm -rf "$dir"
  mkdir -p "$dir"
  echo "{\"private\": true, \"dependencies\": {\"@tensorflow/tfjs-node\": \"$TFJS_NODE_VERSION\"}}" >"$dir/package.json"
  (cd "$dir" && npm install -s --ignore-scripts --no-audit --no-fund >&2)

  # The layout under deps/ that tfjs-node's scripts/install.js takes as already downloaded.
  lib="$pkg/deps/lib"
  mkdir -p "$lib" "$pkg/deps/include"
  cp -r "$headers/tensorflow" "$pkg/deps/include/"
  python3 -c 'import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel:
    for member, target in zip(sys.argv[2::2], sys.argv[3::2]):
        with wheel.open(member) as source, open(target, "wb") as out:
            shutil.copyfileobj(source, out)' "$wheel" \
    tensorflow/libtensorflow_framework.so.2 "$lib/libtensorflow_framework.so.$LIBTENSORFLOW_VERSION" \
    tensorflow/python/_pywrap_tensorflow_internal.so "$lib/libtensorflow.so.$LIBTENSORFLOW_VERSION"
  nm -D --undefined-only "$lib/libtensorflow.so.$LIBTENSORFLOW_VERSION" |
    awk 'BEGIN { print "#include <stdlib.h>" } $2 ~ /^_?Py/ { print "void " $2 "(void) { abort(); }" }' |
    gcc -x c -shared -fPIC -o "$lib/libpython-stub.so" -
  patchelf --add-needed libpython-stub.so "$lib/libtensorflow.so.$LIBTENSORFLOW_VERSION" # found through its $ORIGIN runpath
  # A separate run: patchelf 0.14 given both options at once writes the wrong soname.
  patchelf --set-soname libtensorflow.so.2 "$lib/libtensorflow.so.$LIBTENSORFLOW_VERSION"
  for name in libtensorflow libtensorflow_framework; do
    ln -s "$name.so.$LIBTENSORFLOW_VERSION" "$lib/$name.so.2"
    ln -s "$name.so.2" "$lib/$name.so"
  done

  (cd "$dir" && npm_config_nodedir="$(node -p 'path.dirname(path.dirname(process.execPath))')" \
    npm rebuild -s @tensorflow/tfjs-node --build-from-source >&2)
  (cd "$dir" && TF_CPP_MIN_LOG_LEVEL=2 node -e '
    const tf = require("@tensorflow/tfjs-node");
    const sum = tf.add(1, 2).dataSync()[0];
    if (tf.getBackend() !== "tensorflow" || sum !== 3) throw new Error(`backend ${tf.getBackend()}, 1 + 2 = ${sum}`);
    console.error(`s3fs-native: tfjs-node ${tf.version["tfjs-node"]} on TensorFlow ${tf.backend().binding.TF_Version}`)' >&2)
  touch "$dir/.complete"
fi
echo "$pkg"
