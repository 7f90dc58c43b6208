#!/usr/bin/env bash
# Builds SeaweedFS, the second S3 server the integration tests run against, from the Go module proxy,
# into a cache outside the repo. Idempotent: prints the binary's path, building it only when missing.
# `go install module@version` refuses SeaweedFS (its go.mod has replace directives), so the module's
# source is fetched and built as the main module.
set -euo pipefail

SEAWEEDFS_MODULE=github.com/seaweedfs/seaweedfs
. "$(dirname "${BASH_SOURCE[0]}")/versions.sh"
cache=${S3FS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/s3fs-native}
bin_dir="$cache/seaweedfs-$SEAWEEDFS_VERSION"

if [ ! -x "$bin_dir/weed" ]; then
  command -v go >/dev/null || { echo "s3fs-native: building SeaweedFS needs Go (apt-get install golang, or go.dev)" >&2; exit 1; }
  echo "s3fs-native: building SeaweedFS $SEAWEEDFS_VERSION (several minutes, once)" >&2
  source_dir=$(GOFLAGS=-mod=mod go mod download -json "$SEAWEEDFS_MODULE@$SEAWEEDFS_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -d "$source_dir" ] || { echo "s3fs-native: the Go module proxy gave no source for $SEAWEEDFS_MODULE@$SEAWEEDFS_VERSION" >&2; exit 1; }
  work=$(mktemp -d)
  trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
  cp -r "$source_dir/." "$work/"
  chmod -R u+w "$work"
  mkdir -p "$bin_dir"
  (cd "$work" && GOFLAGS="-buildvcs=false -mod=mod" go build -o "$bin_dir/weed.partial" ./weed >&2)
  mv "$bin_dir/weed.partial" "$bin_dir/weed"
fi
echo "$bin_dir/weed"
