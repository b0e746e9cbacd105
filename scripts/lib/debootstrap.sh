# Sourced by scripts/image/base.sh (the image's base) and scripts/node/image.sh (the test nodes'
# disks): a minbase Debian root file system from Debian's archive, built in a work directory under
# /var/tmp that goes when the sourcing script exits, with whatever is still mounted in it (proc;
# debootstrap's own mounts after a failure). Root.
debian_mirror="${THINPOOL_DEBIAN_MIRROR:-http://deb.debian.org/debian}"

# require_tools WHO TOOL...: fails naming the first missing tool and the script that installs it.
require_tools() {
  local who="$1"; shift
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$who: '$tool' is missing; run scripts/install-test-deps.sh" >&2; return 1; }
  done
}

# debootstrap_rootfs WHO RELEASE [PACKAGES]: sets $work and $rootfs ($work/rootfs) and debootstraps
# RELEASE there with the comma-separated PACKAGES; on a failure prints the log's tail.
debootstrap_rootfs() {
  local who="$1" release="$2" packages="${3:-}"
  work="$(mktemp -d "/var/tmp/thinpool-$who.XXXXXX")"
  rootfs="$work/rootfs"
  trap debootstrap_cleanup EXIT
  debootstrap --variant=minbase ${packages:+--include="$packages"} "$release" "$rootfs" "$debian_mirror" \
    > "$work/debootstrap.log" 2>&1 || { tail -n 30 "$work/debootstrap.log" >&2; return 1; }
}

debootstrap_cleanup() {
  awk -v r="$rootfs/" 'index($2, r) == 1 {print $2}' /proc/mounts | sort -r | xargs -r umount -l
  rm -rf "$work"
}
