#!/usr/bin/env bash
# Installs what building and testing thinpool-operator needs on a Debian 12 machine (as root):
# the JDK and Maven; the Prometheus server (the real-node tier scrapes the real node with it); for the real-kernel and real-node tests qemu (TCG), debootstrap with Debian's
# archive key and e2fsprogs (the nodes' disks: scripts/node/image.sh), socat and iproute2 (the
# real node's network namespace), gcc with static glibc (the sandbox image, from Kubernetes'
# source); for the image tests the Docker engine (Debian's docker.io, started by
# scripts/lib/dockerd.sh; its buildx plugin from trixie, so that `docker build` uses BuildKit
# whichever docker CLI is first on PATH). LVM itself runs only inside the nodes: this machine's
# kernel need not have device-mapper. Skips apt entirely when everything is already there.
set -euo pipefail

packages=(openjdk-17-jdk-headless maven
          qemu-system-x86 qemu-utils python3 util-linux e2fsprogs openssl
          debootstrap debian-archive-keyring gpgv socat iproute2 gcc libc6-dev
          docker.io)
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
# The real-node tier's Prometheus server: the binary of Debian trixie's package (the version of
# promtool), extracted rather than installed, since the package would start a service listening on
# every address of this machine.
prometheus=/usr/local/lib/thinpool-test/prometheus
if [ ! -x "$prometheus" ]; then
  work="$(mktemp -d)"
  (cd "$work" && apt-get download -qq prometheus/trixie 2>/dev/null || {
     apt-get update -qq && apt-get download -qq prometheus/trixie; })
  dpkg-deb -x "$work"/prometheus_*.deb "$work/x"
  install -D -m 0755 "$work/x/usr/bin/prometheus" "$prometheus"
  rm -rf "$work"
fi
