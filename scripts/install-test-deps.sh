#!/usr/bin/env bash
# Installs what building and testing thinpool-operator needs on a Debian 12 machine (as root):
# the JDK and Maven, and for the real-kernel tests qemu, busybox, lvm2 (its binaries run inside
# the test VM; this host's kernel need not have device-mapper) and the tools the tests use; for the
# image tests the Docker engine (Debian's docker.io, started by scripts/lib/dockerd.sh; its buildx
# plugin from trixie, so that `docker build` uses BuildKit whichever docker CLI is first on PATH)
# and debootstrap with Debian's archive key, which make the image's base without a registry
# (scripts/image/).
# Skips apt entirely when everything is already there.
set -euo pipefail

packages=(openjdk-17-jdk-headless maven
          qemu-system-x86 busybox-static cpio kmod xz-utils zstd
          lvm2 dmeventd thin-provisioning-tools python3
          util-linux fdisk e2fsprogs openssl
          docker.io debootstrap debian-archive-keyring gpgv)
# From Debian trixie, pinned low: promtool (the alert rules' tests) and docker-buildx.
trixie_packages=(promtool docker-buildx)

"$(dirname "$0")/add-trixie-source.sh"

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
missing=(); missing_trixie=()
for p in "${packages[@]}"; do installed "$p" || missing+=("$p"); done
for p in "${trixie_packages[@]}"; do installed "$p" || missing_trixie+=("$p"); done
export DEBIAN_FRONTEND=noninteractive
if [ "${#missing[@]}" -gt 0 ] || [ "${#missing_trixie[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]} ${missing_trixie[*]}"
  apt-get update -qq
fi
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if [ "${#missing_trixie[@]}" -gt 0 ]; then
  apt-get install -y -qq --no-install-recommends -t trixie "${missing_trixie[@]}"
fi
# prepare.sh resolves Debian's current kernel package by name: the package lists must exist.
if ! apt-cache show linux-image-amd64 >/dev/null 2>&1; then
  apt-get update -qq
fi
