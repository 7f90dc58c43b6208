# Sourced: `private_apt TYPE [ARCH]` sets `apt_options`, the options under which apt-get and apt-cache
# work from a private state directory in the cache with entries of TYPE (deb or deb-src; binary ones
# for ARCH) derived from this machine's own Debian sources, refreshed once a day. Neither root nor a
# change to the system's apt configuration is needed.

private_apt() {
  local type=$1 arch=${2:-}
  local cache=${S3FS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/s3fs-native}
  local state=$cache/apt-$type${arch:+-$arch}
  mkdir -p "$state/sources" "$state/lists/partial" "$state/cache/archives/partial"
  apt_options=(-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$state/sources"
    -o Dir::State::Lists="$state/lists" -o Dir::Cache="$state/cache" -o Debug::NoLocking=true
    -o APT::Sandbox::User="$(id -un)")
  if [ -n "$arch" ]; then apt_options+=(-o APT::Architecture="$arch" -o APT::Architectures="$arch"); fi

  local sources=$state/sources/debian.sources
  if [ ! -s "$sources" ]; then
    local tmp f
    tmp=$(mktemp)
    for f in /etc/apt/sources.list.d/*.sources; do
      [ -f "$f" ] || continue
      awk -v type="$type" 'BEGIN { RS = ""; ORS = "\n\n" }
           /debian-archive-keyring/ && /Types:[^\n]*deb/ {
             sub(/Types:[^\n]*/, "Types: " type); print }' "$f" >>"$tmp"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
      [ -f "$f" ] || continue
      awk -v type="$type" '$1 == "deb" && /debian/ {
             line = $0; sub(/^deb/, "", line)
             if (line ~ /^[ \t]*\[/) next
             split(line, w, " "); printf "Types: %s\nURIs: %s\nSuites: %s\nComponents:", type, w[1], w[2]
             for (i = 3; i in w; i++) printf " %s", w[i]; printf "\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n" }' "$f" >>"$tmp"
    done
    if [ ! -s "$tmp" ]; then
      rm -f "$tmp"
      echo "s3fs-native: found no Debian archive in this machine's apt sources to fetch packages from." >&2
      return 1
    fi
    mv "$tmp" "$sources"
  fi
  if [ -z "$(find "$state/lists" -maxdepth 1 -type f -mtime -1 2>/dev/null | head -n 1)" ]; then
    apt-get "${apt_options[@]}" update -qq >"$state/update.log" 2>&1 || { cat "$state/update.log" >&2; return 1; }
  fi
}
