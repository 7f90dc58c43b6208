#!/usr/bin/env bash
# npm run test:asan: the integration suite on the native backend with the addon built under
# AddressSanitizer, UndefinedBehaviorSanitizer and LeakSanitizer (scripts/build-asan.sh). Node is
# not instrumented, so the ASan runtime is preloaded into it; every process the tests start writes
# its sanitizer reports to build/asan/logs, and any report fails the run.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
[ -f build/asan/Release/s3fs_native.node ] || bash scripts/build-asan.sh
logs=build/asan/logs
rm -rf "$logs"
mkdir -p "$logs"
npx tsc -p tsconfig.build.json

export S3FS_NATIVE_ADDON=build/asan/Release/s3fs_native.node
export S3FS_TEST_REPORT=build/test-results-asan.json
export LSAN_OPTIONS="suppressions=$root/test/asan/lsan.supp:print_suppressions=0:exitcode=0"
export UBSAN_OPTIONS="log_path=$root/$logs/ubsan:print_stacktrace=1:halt_on_error=1"
common="log_path=$root/$logs/asan:detect_stack_use_after_return=0"
# The processes the tests start (the command line, fixtures) are checked for memory errors and
# undefined behaviour, not for leaks: a leak's stack through libcrypto (no frame pointers) needs the
# slow unwinder on every allocation, which makes each Node process take 20 s to start.
# vitest.config.ts hands these options to them.
export S3FS_CHILD_ASAN_OPTIONS="$common:detect_leaks=0"
status=0
# Test files run in worker threads of one process rather than in forks: vitest kills its forks with
# a signal, which skips LeakSanitizer's check at exit, while a worker's end runs the addon's
# environment cleanup, and the check at the process's normal exit then sees what any of it left.
LD_PRELOAD=$(gcc -print-file-name=libasan.so) NODE_OPTIONS=--expose-gc \
  ASAN_OPTIONS="$common:detect_leaks=1:fast_unwind_on_malloc=0" \
  node node_modules/vitest/vitest.mjs run --project native --pool threads --poolOptions.threads.maxThreads=2 "$@" || status=$?
node scripts/sanitizer-report.mjs "$logs" || status=1
exit $status
