#!/usr/bin/env bash
# Builds bench/crc-speed.c against the CRT the addon is built from (deps/crt, by build-crt.sh) and
# runs it: what each upload checksum costs per GiB on this machine's CPU.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/scripts/build-crt.sh"
prefix=${S3FS_CRT_PREFIX:-$root/deps/crt}
out=$root/build/bench/crc-speed
mkdir -p "$(dirname "$out")"
cc -O2 -I"$prefix/include" "$root/bench/crc-speed.c" -o "$out" \
  "$prefix/lib/libaws-checksums.a" "$prefix/lib/libaws-c-common.a" -lcrypto -lpthread -ldl -lm
echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); flags: $(grep -m1 '^flags' /proc/cpuinfo | grep -o -w 'sse4_2\|pclmulqdq\|avx2\|avx512f\|vpclmulqdq\|pmull\|crc32' | sort -u | tr '\n' ' ')"
"$out"
