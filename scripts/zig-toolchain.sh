#!/usr/bin/env bash
# Usage: zig-toolchain.sh ARCH   (x64 or arm64, Node's names)
# Prints a directory holding cc, c++, ar and ranlib wrappers and a CMake toolchain file that compile
# for ARCH Linux against glibc 2.28 with LLVM's libc++ linked in statically. Zig comes from PyPI's
# ziglang wheel, cached outside the repo, so the portable build needs no other toolchain.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/versions.sh"
arch=${1:?usage: zig-toolchain.sh x64|arm64}
case "$arch" in
  x64) triple=x86_64-linux-gnu.$GLIBC_FLOOR processor=x86_64 ;;
  arm64) triple=aarch64-linux-gnu.$GLIBC_FLOOR processor=aarch64 ;;
  *) echo "s3fs-native: no portable toolchain for '$arch' (x64 and arm64 are built)" >&2; exit 2 ;;
esac

cache=${S3FS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/s3fs-native}
zig_home=$cache/zig-$ZIG_VERSION
zig=$zig_home/ziglang/zig
if [ ! -x "$zig" ]; then
  echo "s3fs-native: installing zig $ZIG_VERSION (PyPI ziglang) into $zig_home" >&2
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps --target "$zig_home.tmp" "ziglang==$ZIG_VERSION" >&2
  rm -rf "$zig_home" && mv "$zig_home.tmp" "$zig_home"
fi

dir=$cache/toolchain-$ZIG_VERSION-$triple
mkdir -p "$dir"
# Zig's cc turns UBSan traps on unless told otherwise; release code must not trap on benign UB in
# third-party C. Zig names Arm CPUs, not architecture levels: aws-checksums' -march=armv8-a+crc
# becomes -mcpu=generic+crc. A link leaves x86 feature flags out: zig rebuilds its compiler runtime
# for the features named when linking, and crashes (LLVM "Cannot select") on aws-c-common's
# AVX-512 probe, which then reads as "no AVX2, no CLMUL" and left CRC64NVME in software on x64.
# Zig's clang also wants 512-bit vectors asked for by name (-mevex512) besides -mavx512f.
for tool in cc c++; do
  cat >"$dir/$tool" <<WRAPPER
#!/bin/sh
compiling=no
for arg; do
  case \$arg in -c|-S|-E) compiling=yes ;; esac
done
for arg; do
  shift
  case \$arg in
    -march=armv8-a*) set -- "\$@" "-mcpu=generic\${arg#-march=armv8-a}" ;;
    -mavx512f)
      if [ \$compiling = yes ]; then set -- "\$@" "\$arg" -mevex512; fi ;;
    -mavx*|-mpclmul|-mvpclmulqdq|-msse4.2)
      if [ \$compiling = yes ]; then set -- "\$@" "\$arg"; fi ;;
    *) set -- "\$@" "\$arg" ;;
  esac
done
exec "$zig" $tool -target $triple -fno-sanitize=all "\$@"
WRAPPER
done
for tool in ar ranlib; do
  printf '#!/bin/sh\nexec "%s" %s "$@"\n' "$zig" "$tool" >"$dir/$tool"
done
chmod +x "$dir"/cc "$dir"/c++ "$dir"/ar "$dir"/ranlib
cat >"$dir/toolchain.cmake" <<CMAKE
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR $processor)
set(CMAKE_C_COMPILER "$dir/cc")
set(CMAKE_CXX_COMPILER "$dir/c++")
set(CMAKE_AR "$dir/ar")
set(CMAKE_RANLIB "$dir/ranlib")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-s")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
CMAKE
echo "$dir"
