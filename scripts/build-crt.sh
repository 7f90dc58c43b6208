#!/usr/bin/env bash
# Builds the AWS Common Runtime (aws-c-s3 and the libraries under it) as static, position-independent
# libraries into an ignored prefix, from Debian's aws-crt-python source package. Idempotent: a prefix
# that already holds a finished build is left alone.
# A cross or portable build names its CMake toolchain file in S3FS_TOOLCHAIN_FILE and the prefix of
# the libcrypto built for that toolchain in S3FS_OPENSSL_PREFIX; otherwise the system's libcrypto.
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

"$root/scripts/install-build-tools.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=$("$root/scripts/debian-source.sh" "$CRT_SOURCE_PACKAGE" "$CRT_VERSION" "$work")
for p in "${patches[@]}"; do
  patch -d "$src" -p1 --quiet <"$p"
done

cross=()
if [ -n "${S3FS_TOOLCHAIN_FILE:-}" ]; then
  # clang rejects s2n's AVX2 Kyber code for a baseline x86-64 target (it inlines popcnt); that
  # code serves only post-quantum TLS policies, which S3 endpoints are not asked for.
  cross+=(-DCMAKE_TOOLCHAIN_FILE="$S3FS_TOOLCHAIN_FILE" -DS2N_NO_PQ_ASM=ON)
fi
if [ -n "${S3FS_OPENSSL_PREFIX:-}" ]; then
  cross+=(-DOPENSSL_ROOT_DIR="$S3FS_OPENSSL_PREFIX" -DOPENSSL_USE_STATIC_LIBS=ON
          -DCMAKE_PREFIX_PATH="$S3FS_OPENSSL_PREFIX" -DCMAKE_FIND_ROOT_PATH="$S3FS_OPENSSL_PREFIX;$prefix")
fi
cmake -S "$src/crt" -B "$work/build" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release \
  -DUSE_OPENSSL=ON \
  -DBUILD_SHARED_LIBS=OFF \
  -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
  -DCMAKE_C_VISIBILITY_PRESET=hidden \
  -DBUILD_TESTING=OFF \
  "${cross[@]}" \
  -DCMAKE_INSTALL_PREFIX="$prefix" >"$work/configure.log" 2>&1 || { cat "$work/configure.log" >&2; exit 1; }
cmake --build "$work/build" >"$work/build.log" 2>&1 || { tail -n 60 "$work/build.log" >&2; exit 1; }
cmake --install "$work/build" >/dev/null
touch "$stamp"
echo "s3fs-native: AWS CRT $CRT_VERSION built into $prefix"
