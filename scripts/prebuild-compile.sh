#!/usr/bin/env bash
# The build command prebuildify runs in place of node-gyp (npm run prebuild): it is called as
# "rebuild --target=V --devdir=D --arch=A --release" and leaves the addon in build/Release, where
# prebuildify takes it from. It builds the portable binary: zig's compiler for ARCH Linux at the
# glibc floor, with libcrypto and the CRT built by the same compiler, all of them cached by toolchain,
# and the TensorFlow filesystem plugin beside it.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

arch=$(node -p process.arch)
for arg in "$@"; do
  case "$arg" in --arch=*) arch=${arg#--arch=} ;; esac
done

toolchain=$(bash scripts/zig-toolchain.sh "$arch")
openssl_prefix=$toolchain/openssl
crt_prefix=$toolchain/crt
bash scripts/build-openssl.sh "$arch" "$toolchain" "$openssl_prefix"
S3FS_CRT_PREFIX=$crt_prefix S3FS_TOOLCHAIN_FILE=$toolchain/toolchain.cmake S3FS_OPENSSL_PREFIX=$openssl_prefix \
  bash scripts/build-crt.sh

# Every upload and whole-object read computes a CRC64NVME: the binary must carry the CRT's
# hardware implementation of it (PCLMULQDQ and AVX-512 on x64, PMULL on arm64), not only the
# table-driven fallback a failed feature probe leaves.
case "$arch" in
  x64) crc_symbols=(aws_checksums_crc64nvme_intel_clmul aws_checksums_crc64nvme_intel_avx512 aws_checksums_crc32c_intel_avx512_with_sse_fallback) ;;
  arm64) crc_symbols=(aws_checksums_crc64nvme_arm_pmull aws_checksums_crc32c_armv8 aws_checksums_crc32_armv8) ;;
esac
defined=$(nm --defined-only "$crt_prefix/lib/libaws-checksums.a" 2>/dev/null)
for symbol in "${crc_symbols[@]}"; do
  if ! grep -qw "$symbol" <<<"$defined"; then
    echo "s3fs-native: the $arch CRT was built without $symbol (its CPU feature probes failed); delete $crt_prefix and rebuild" >&2
    exit 1
  fi
done

# TensorFlow's C headers, for the filesystem plugin that ships beside the addon.
tf_include=$(bash scripts/tf-headers.sh)

out=build/portable-$arch
S3FS_CRT_PREFIX=$crt_prefix S3FS_TF_INCLUDE_DIR=$tf_include npx --no-install cmake-js rebuild --out "$out" --arch "$arch" \
  --CDCMAKE_TOOLCHAIN_FILE="$toolchain/toolchain.cmake" \
  --CDOPENSSL_ROOT_DIR="$openssl_prefix" \
  --CDCMAKE_FIND_ROOT_PATH="$openssl_prefix;$crt_prefix"
rm -rf build/Release && mkdir -p build/Release
# prebuildify takes the .node, and every .so beside it (the TensorFlow plugin), from build/Release.
cp "$out"/Release/*.node "$out"/Release/*.so build/Release/
