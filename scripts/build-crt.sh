#!/usr/bin/env bash
# Builds the AWS Common Runtime (aws-c-s3 and the libraries under it) as static, position-independent
# libraries into an ignored prefix, from the crt/ tree of the aws-crt-python release that
# scripts/versions.sh pins (PyPI's awscrt source distribution, cached outside the repo), against
# libcrypto rather than its own aws-lc. Idempotent: a prefix that already holds a finished build is
# left alone.
# A cross or portable build names its CMake toolchain file in S3FS_TOOLCHAIN_FILE and the prefix of
# the libcrypto built for that toolchain in S3FS_OPENSSL_PREFIX; otherwise the system's libcrypto.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/scripts/versions.sh"
prefix=${S3FS_CRT_PREFIX:-$root/deps/crt}
cache=${S3FS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/s3fs-native}
# Fixes of this CRT version's faults; README.md ("From source") says why each is kept and which test fails without it.
patches=("$root"/scripts/crt-patches/*.patch)
# A portable build's compiler wrappers are part of what it is built with: a changed one rebuilds it.
toolchain_files=()
if [ -n "${S3FS_TOOLCHAIN_FILE:-}" ]; then
  toolchain_files=("$S3FS_TOOLCHAIN_FILE" "$(dirname "$S3FS_TOOLCHAIN_FILE")/cc")
fi
patch_id=$(cat "${patches[@]}" "${toolchain_files[@]}" | sha256sum | cut -c1-12)
stamp="$prefix/.built-$CRT_RELEASE-$patch_id"

if [ -f "$stamp" ]; then
  exit 0
fi
rm -rf "$prefix"

"$root/scripts/install-build-tools.sh"

sdist_dir=$cache/awscrt-$CRT_RELEASE-sdist
sdist=$sdist_dir/awscrt-$CRT_RELEASE.tar.gz
if [ ! -f "$sdist" ]; then
  echo "s3fs-native: downloading the awscrt $CRT_RELEASE source distribution (77 MB, once)" >&2
  rm -rf "$sdist_dir.tmp"
  python3 -m pip download -q --disable-pip-version-check --no-deps --no-binary :all: -d "$sdist_dir.tmp" \
    "awscrt==$CRT_RELEASE" >&2
  mv "$sdist_dir.tmp" "$sdist_dir"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# aws-lc is left out: the CRT is built against libcrypto (-DUSE_OPENSSL=ON), as Debian builds it.
tar -xzf "$sdist" -C "$work" --exclude="awscrt-$CRT_RELEASE/crt/aws-lc" "awscrt-$CRT_RELEASE/crt"
src=$work/awscrt-$CRT_RELEASE
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
# The caller thread's event loop (binding/engine/caller_thread_loop) is an aws-c-io event loop, and
# aws-c-io declares the interface of one (struct aws_event_loop, the group's factory) in a header it
# does not install.
mkdir -p "$prefix/include/aws/io/private"
cp "$src/crt/aws-c-io/include/aws/io/private/event_loop_impl.h" "$prefix/include/aws/io/private/"
touch "$stamp"
echo "s3fs-native: AWS CRT of awscrt $CRT_RELEASE built into $prefix" >&2
