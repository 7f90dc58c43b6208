#!/usr/bin/env bash
# Usage: debian-source.sh PACKAGE VERSION DEST   (an empty VERSION takes the newest the archive serves)
#        debian-source.sh --versions PACKAGE     (the source versions the archive serves, newest first)
# Unpacks a Debian source package, with Debian's own patches applied, into DEST/PACKAGE-*/ and prints
# that directory. Debian's archive is one of the package registries these machines reach.
# apt works from a private state directory in the cache with deb-src entries derived from this
# machine's own Debian sources, so neither root nor a change to the system's apt configuration is
# needed.
set -euo pipefail

command -v apt-get >/dev/null || { echo "s3fs-native: fetching Debian sources needs apt-get (Debian or Ubuntu)" >&2; exit 1; }
command -v dpkg-source >/dev/null || { echo "s3fs-native: dpkg-source is missing: apt-get install dpkg-dev" >&2; exit 1; }

cache=${S3FS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/s3fs-native}
state=$cache/apt
mkdir -p "$state/sources" "$state/lists/partial" "$state/cache/archives/partial"
apt_options=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$state/sources"
  -o Dir::State::Lists="$state/lists" -o Dir::Cache="$state/cache" -o Debug::NoLocking=true
  -o APT::Sandbox::User="$(id -un)")

sources=$state/sources/debian-src.sources
if [ ! -s "$sources" ]; then
  tmp=$(mktemp)
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk 'BEGIN { RS = ""; ORS = "\n\n" }
         /debian-archive-keyring/ && /Types:[^\n]*deb/ {
           sub(/Types:[^\n]*/, "Types: deb-src"); print }' "$f" >>"$tmp"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk '$1 == "deb" && /debian/ {
           line = $0; sub(/^deb/, "", line)
           if (line ~ /^[ \t]*\[/) next
           split(line, w, " "); printf "Types: deb-src\nURIs: %s\nSuites: %s\nComponents:", w[1], w[2]
           for (i = 3; i in w; i++) printf " %s", w[i]; printf "\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n" }' "$f" >>"$tmp"
  done
  if [ ! -s "$tmp" ]; then
    rm -f "$tmp"
    echo "s3fs-native: found no Debian archive in this machine's apt sources to fetch source packages from." >&2
    exit 1
  fi
  mv "$tmp" "$sources"
fi
# The source lists are refreshed once a day.
if [ -z "$(find "$state/lists" -maxdepth 1 -name '*Sources*' -mtime -1 2>/dev/null | head -n 1)" ]; then
  apt-get "${apt_options[@]}" update -qq >"$state/update.log" 2>&1 || { cat "$state/update.log" >&2; exit 1; }
fi

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
