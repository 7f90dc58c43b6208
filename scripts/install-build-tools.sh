#!/usr/bin/env bash
# Installs the Debian packages the native build needs, when any is missing.
set -euo pipefail

needed=()
command -v cmake >/dev/null || needed+=(cmake)
command -v ninja >/dev/null || needed+=(ninja-build)
command -v g++ >/dev/null || needed+=(g++)
command -v dpkg-source >/dev/null || needed+=(dpkg-dev)
python3 -m pip --version >/dev/null 2>&1 || needed+=(python3-pip)
command -v patch >/dev/null || needed+=(patch)
[ -f /usr/include/openssl/crypto.h ] || needed+=(libssl-dev)
ls /usr/lib/*/libcrypto.a >/dev/null 2>&1 || needed+=(libssl-dev)
[ ${#needed[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "s3fs-native: missing build packages: ${needed[*]}" >&2
  echo "  install them with: sudo apt-get install -y ${needed[*]}" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${needed[@]}" >/dev/null
