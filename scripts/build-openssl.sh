#!/usr/bin/env bash
# Usage: build-openssl.sh ARCH TOOLCHAIN_DIR PREFIX
# Builds a static, position-independent libcrypto for ARCH (x64 or arm64) with the compiler wrappers
# in TOOLCHAIN_DIR (scripts/zig-toolchain.sh) into PREFIX/{include,lib}, from Debian's openssl source
# package with Debian's patches: the newest version the archive serves whose sources download.
# Idempotent: a prefix that already holds a finished build is left alone.
set -euo pipefail
arch=$1 toolchain=$2 prefix=$3
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
case "$arch" in
  x64) target=linux-x86_64 ;;
  arm64) target=linux-aarch64 ;;
  *) echo "s3fs-native: no OpenSSL target for '$arch'" >&2; exit 2 ;;
esac
[ -f "$prefix/.built" ] && exit 0
rm -rf "$prefix"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=
for version in $("$root/scripts/debian-source.sh" --versions openssl); do
  src=$("$root/scripts/debian-source.sh" openssl "$version" "$work/src-$version" 2>/dev/null) && break
done
[ -n "$src" ] || { echo "s3fs-native: no openssl source version in Debian's archive could be fetched" >&2; exit 1; }

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
basename "$src" >"$prefix/.built"
echo "s3fs-native: $(basename "$src") libcrypto for $arch built into $prefix" >&2
