#!/usr/bin/env bash
# Builds the MinIO server the integration tests run against, from the Go module proxy, into a cache
# outside the repo. Idempotent: prints the binary's path, building it only when it is missing.
set -euo pipefail

MINIO_MODULE=github.com/minio/minio
. "$(dirname "${BASH_SOURCE[0]}")/versions.sh"
cache=${S3FS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/s3fs-native}
bin_dir="$cache/minio-$MINIO_VERSION"

if [ ! -x "$bin_dir/minio" ]; then
  command -v go >/dev/null || { echo "s3fs-native: building the test server needs Go (apt-get install golang, or go.dev)" >&2; exit 1; }
  mkdir -p "$bin_dir"
  echo "s3fs-native: building MinIO $MINIO_VERSION (a few minutes, once)" >&2
  GOBIN="$bin_dir" GOFLAGS=-buildvcs=false go install "$MINIO_MODULE@$MINIO_VERSION" >&2
fi
echo "$bin_dir/minio"
