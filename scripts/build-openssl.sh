#!/usr/bin/env bash
# Usage: build-openssl.sh ARCH TOOLCHAIN_DIR PREFIX
# Builds a static, position-independent libcrypto for ARCH (x64 or arm64) with the compiler wrappers
# in TOOLCHAIN_DIR (scripts/zig-toolchain.sh) into PREFIX/{include,lib}, from Debian's openssl source
# package with Debian's patches, at the version scripts/versions.sh pins.
# Idempotent: a prefix that already holds a finished build is left alone.
set -euo pipefail
arch=$1 toolchain=$2 prefix=$3
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
case "$arch" in
  x64) target=linux-x86_64 ;;
  arm64) target=linux-aarch64 ;;
  *) echo "s3fs-native: no OpenSSL target for '$arch'" >&2; exit 2 ;;
esac
. "$root/scripts/versions.sh"
[ "$(cat "$prefix/.built" 2>/dev/null)" = "openssl-$OPENSSL_DEBIAN_VERSION" ] && exit 0
rm -rf "$prefix"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=$("$root/scripts/debian-source.sh" openssl "$OPENSSL_DEBIAN_VERSION" "$work/src")

mkdir -p "$work/build"
# Only libcrypto is linked (s2n and aws-c-cal use it; TLS itself is s2n). OPENSSLDIR is where a
# configuration file would be looked for; the CRT finds the system's CA bundle on its own.
(cd "$work/build" &&
  CC="$toolchain/cc" AR="$toolchain/ar" RANLIB="$toolchain/ranlib" \
    perl "$src/Configure" "$target" no-shared no-tests --prefix="$prefix" --libdir=lib \
    --openssldir=/etc/ssl >"$work/configure.log" 2>&1) || { cat "$work/configure.log" >&2; exit 1; }
make -C "$work/build" -j"$(nproc)" build_generated libcrypto.a >"$work/build.log" 2>&1 ||
  { tail -n 40 "$work/build.log" >&2; exit 1; }
mkdir -p "$prefix/include/openssl" "$prefix/lib"
cp "$src"/include/openssl/*.h "$work"/build/include/openssl/*.h "$prefix/include/openssl/"
cp "$work/build/libcrypto.a" "$prefix/lib/"
echo "openssl-$OPENSSL_DEBIAN_VERSION" >"$prefix/.built"
echo "s3fs-native: openssl $OPENSSL_DEBIAN_VERSION libcrypto for $arch built into $prefix" >&2
