#!/usr/bin/env bash
# Builds the AWS Common Runtime (aws-c-s3 and the libraries under it) as static, position-independent
# libraries into an ignored prefix, from Debian's aws-crt-python source package. Idempotent: a prefix
# that already holds a finished build is left alone.
set -euo pipefail

CRT_SOURCE_PACKAGE=aws-crt-python
CRT_VERSION=0.16.8+dfsg-1
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
prefix=${S3FS_CRT_PREFIX:-$root/deps/crt}
# Fixes of this CRT version's faults, applied after Debian's own patches.
patches=("$root"/scripts/crt-patches/*.patch)
patch_id=$(cat "${patches[@]}" | sha256sum | cut -c1-12)
stamp="$prefix/.built-$CRT_VERSION-$patch_id"

if [ -f "$stamp" ]; then
  exit 0
fi
rm -rf "$prefix"

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "s3fs-native: '$*' needs root. Run it as root, or set S3FS_CRT_PREFIX to a prefix that already holds the CRT." >&2
    exit 1
  fi
}

"$root/scripts/install-build-tools.sh"

# apt-get source needs a deb-src entry for the archive this machine already installs from. It is
# derived from the machine's own Debian sources (deb822 stanzas signed by Debian's archive key, or
# one-line "deb" entries of a Debian archive) rather than written here.
src_list=/etc/apt/sources.list.d/s3fs-native-deb-src.sources
if ! apt-get source --print-uris "$CRT_SOURCE_PACKAGE=$CRT_VERSION" >/dev/null 2>&1; then
  tmp=$(mktemp)
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && [ "$f" != "$src_list" ] || continue
    awk 'BEGIN { RS = ""; ORS = "\n\n" }
         /debian-archive-keyring/ && /Types:[^\n]*deb/ {
           sub(/Types:[^\n]*/, "Types: deb-src"); print }' "$f" >>"$tmp"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk '$1 == "deb" && /debian/ {
           line = $0; sub(/^deb/, "", line)
           if (line ~ /^[ \t]*\[/) { print "# one-line entry skipped (options)"; next }
           split(line, w, " "); printf "Types: deb-src\nURIs: %s\nSuites: %s\nComponents:", w[1], w[2]
           for (i = 3; i in w; i++) printf " %s", w[i]; printf "\n\n" }' "$f" | grep -v '^#' >>"$tmp" || true
  done
  if [ ! -s "$tmp" ]; then
    echo "s3fs-native: found no Debian archive in this machine's apt sources to derive a deb-src entry from." >&2
    exit 1
  fi
  as_root install -m 0644 "$tmp" "$src_list"
  rm -f "$tmp"
  as_root apt-get update -qq
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get source -qq "$CRT_SOURCE_PACKAGE=$CRT_VERSION" >"$work/source.log" 2>&1) || { cat "$work/source.log" >&2; exit 1; }
src=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name "$CRT_SOURCE_PACKAGE-*" | head -n 1)
[ -n "$src" ] || { echo "s3fs-native: apt-get source gave no source tree" >&2; exit 1; }
for p in "${patches[@]}"; do
  patch -d "$src" -p1 --quiet <"$p"
done

cmake -S "$src/crt" -B "$work/build" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release \
  -DUSE_OPENSSL=ON \
  -DBUILD_SHARED_LIBS=OFF \
  -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
  -DCMAKE_C_VISIBILITY_PRESET=hidden \
  -DBUILD_TESTING=OFF \
  -DCMAKE_INSTALL_PREFIX="$prefix" >"$work/configure.log" 2>&1 || { cat "$work/configure.log" >&2; exit 1; }
cmake --build "$work/build" >"$work/build.log" 2>&1 || { tail -n 60 "$work/build.log" >&2; exit 1; }
cmake --install "$work/build" >/dev/null
touch "$stamp"
echo "s3fs-native: AWS CRT $CRT_VERSION built into $prefix"
