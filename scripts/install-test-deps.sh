#!/usr/bin/env bash
# Installs what building and testing thinpool-operator needs on a Debian 12 machine (as root):
# the JDK and Maven, and for the real-kernel tests qemu, busybox, lvm2 (its binaries run inside
# the test VM; this host's kernel need not have device-mapper) and the tools the tests use; for the
# image test buildah (as root: no uidmap setup, chroot isolation, vfs storage) and debootstrap with
# Debian's archive key, which make the image's base without a registry (scripts/image/).
# Skips apt entirely when everything is already there.
set -euo pipefail

packages=(openjdk-17-jdk-headless maven
          qemu-system-x86 busybox-static cpio kmod xz-utils zstd
          lvm2 dmeventd thin-provisioning-tools python3
          util-linux fdisk e2fsprogs openssl promtool
          buildah debootstrap debian-archive-keyring gpgv)

# promtool (the alert rules' tests) comes from Debian trixie, pinned low.
"$(dirname "$0")/add-trixie-source.sh"

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# prepare.sh resolves Debian's current kernel package by name: the package lists must exist.
if ! apt-cache show linux-image-amd64 >/dev/null 2>&1; then
  apt-get update -qq
fi
