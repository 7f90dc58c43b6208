#!/usr/bin/env bash
# Builds s5cmd, a peer of npm run bench -- --peers, from the Go module proxy into a cache outside the
# repository and prints its path. The proxy serves github.com/peak/s5cmd/v2 at an exact version but
# refuses @latest, so the version is pinned (scripts/versions.sh) and fetched into a scratch module.
# Idempotent: builds only when the binary is missing.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/versions.sh"
cache=${S3FS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/s3fs-native}
dir="$cache/s5cmd-$S5CMD_VERSION"

if [ ! -x "$dir/s5cmd" ]; then
  command -v go >/dev/null || { echo "s3fs-native: building s5cmd needs Go" >&2; exit 1; }
  echo "s3fs-native: building s5cmd $S5CMD_VERSION (a minute, once)" >&2
  rm -rf "$dir"
  mkdir -p "$dir/module"
  # A build from the module proxy stamps no version ("s5cmd version" would say v0.0.0-dev): -ldflags does.
  (cd "$dir/module" &&
    go mod init s3fs-native-bench-s5cmd >/dev/null 2>&1 &&
    go get "github.com/peak/s5cmd/v2@$S5CMD_VERSION" >&2 &&
    GOFLAGS=-buildvcs=false go build -o "$dir/s5cmd.tmp" \
      -ldflags "-X github.com/peak/s5cmd/v2/version.Version=$S5CMD_VERSION -X github.com/peak/s5cmd/v2/version.GitCommit=release" \
      github.com/peak/s5cmd/v2 >&2)
  mv "$dir/s5cmd.tmp" "$dir/s5cmd"
fi
echo "$dir/s5cmd"
