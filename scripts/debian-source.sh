#!/usr/bin/env bash
# Usage: debian-source.sh PACKAGE VERSION DEST   (an empty VERSION takes the newest the archive serves)
#        debian-source.sh --versions PACKAGE     (the source versions the archive serves, newest first)
# Unpacks a Debian source package, with Debian's own patches applied, into DEST/PACKAGE-*/ and prints
# that directory. Debian's archive is one of the package registries these machines reach.
# apt works from a private state directory (scripts/private-apt.sh), so neither root nor a change to
# the system's apt configuration is needed.
set -euo pipefail

command -v apt-get >/dev/null || { echo "s3fs-native: fetching Debian sources needs apt-get (Debian or Ubuntu)" >&2; exit 1; }
command -v dpkg-source >/dev/null || { echo "s3fs-native: dpkg-source is missing: apt-get install dpkg-dev" >&2; exit 1; }

. "$(dirname "${BASH_SOURCE[0]}")/private-apt.sh"
private_apt deb-src

if [ "$1" = --versions ]; then
  apt-cache "${apt_options[@]}" showsrc "$2" | awk '/^Version:/ { print $2 }' | sort -rV
  exit 0
fi

package=$1 version=$2 dest=$3
mkdir -p "$dest"
(cd "$dest" && apt-get "${apt_options[@]}" source -qq "$package${version:+=$version}" >"$dest/source.log" 2>&1) ||
  { cat "$dest/source.log" >&2; exit 1; }
src=$(find "$dest" -mindepth 1 -maxdepth 1 -type d -name "$package-*" | head -n 1)
[ -n "$src" ] || { echo "s3fs-native: apt-get source $package gave no source tree" >&2; exit 1; }
echo "$src"
