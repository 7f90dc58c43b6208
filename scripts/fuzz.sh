#!/usr/bin/env bash
# Fuzzes the native parsers with libFuzzer (clang from Debian), under ASan and UBSan: each target of
# test/fuzz for S3FS_FUZZ_SECONDS (default 30) from its seed corpus, with a fixed, printed seed
# (S3FS_FUZZ_SEED). A finding stops the run and is kept in build/fuzz/findings; replay it with
#   build/fuzz/test/fuzz/<target>_fuzzer build/fuzz/findings/<file>
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
seconds=${S3FS_FUZZ_SECONDS:-30}
seed=${S3FS_FUZZ_SEED:-20261202}

bash scripts/install-build-tools.sh
clang_version=14
if ! command -v "clang++-$clang_version" >/dev/null || [ ! -d "/usr/lib/llvm-$clang_version/lib/clang" ] ||
   ! ls /usr/lib/llvm-$clang_version/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  packages=("clang-$clang_version" "libclang-rt-$clang_version-dev")
  if [ "$(id -u)" != 0 ]; then
    echo "s3fs-native: fuzzing needs clang and libFuzzer: sudo apt-get install -y ${packages[*]}" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
fi
bash scripts/build-crt.sh

build=build/fuzz
cmake -S . -B "$build" -G Ninja -DS3FS_FUZZERS=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER="clang-$clang_version" -DCMAKE_CXX_COMPILER="clang++-$clang_version" >"$build.configure.log" 2>&1 ||
  { cat "$build.configure.log" >&2; exit 1; }
cmake --build "$build"

mkdir -p "$build/findings"
echo "libFuzzer seed $seed, $seconds s per target"
for source in test/fuzz/*_fuzzer.cc; do
  name=$(basename "$source" _fuzzer.cc)
  # The corpus grown in earlier runs lives in the build tree; the seeds in the repository.
  mkdir -p "$build/corpus/$name"
  log="$build/${name}.log"
  status=0
  "$build/test/fuzz/${name}_fuzzer" -seed="$seed" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$build/findings/${name}-" "$build/corpus/$name" "test/fuzz/corpus/$name" \
    >"$log" 2>&1 || status=$?
  if [ $status != 0 ]; then
    tail -n 60 "$log" >&2
    echo "${name}_fuzzer found a failing input (kept in $build/findings)" >&2
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  corpus=$(find "$build/corpus/$name" -type f | wc -l)
  echo "${name}_fuzzer: $runs inputs in $seconds s, no finding; corpus $corpus"
done
