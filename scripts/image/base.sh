#!/usr/bin/env bash
# Makes the image's base, docker.io/library/debian:bookworm-slim, in the Docker engine's image
# store without any container registry: debootstrap (minbase) from Debian's package archive,
# brought up to date with bookworm-updates and bookworm-security, then slimmed as the official slim
# image is (no docs, man pages or translations; dpkg keeps them out of later installs too), then
# `docker import`ed. Only for machines that cannot pull from Docker Hub (this project's test
# machines); anywhere else `docker build` pulls the official image. Skipped when the image is
# already there, so a machine builds it once (about a minute).
# Needs: a running dockerd, debootstrap (scripts/install-test-deps.sh). Root.
set -euo pipefail

source "$(dirname "$0")/../lib/debootstrap.sh"
image=docker.io/library/debian:bookworm-slim
if docker image inspect "$image" >/dev/null 2>&1; then
  echo "base.sh: $image already in Docker's image store"
  exit 0
fi
require_tools base.sh docker debootstrap

start=$(date +%s)
debootstrap_rootfs base bookworm
echo "base.sh: debootstrap took $(( $(date +%s) - start )) s"

# The official image's sources (deb822), security updates included.
rm -f "$rootfs/etc/apt/sources.list"
cat > "$rootfs/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: $debian_mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${debian_mirror%/debian}/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES

# Slim: what debuerreotype does for the -slim variant. Later apt installs keep out the same paths.
cat > "$rootfs/etc/dpkg/dpkg.cfg.d/docker" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
DPKG
cat > "$rootfs/etc/apt/apt.conf.d/docker-clean" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
APT
echo 'Acquire::Languages "none";' > "$rootfs/etc/apt/apt.conf.d/docker-no-languages"
printf 'APT::AutoRemove::SuggestsImportant "false";\n' > "$rootfs/etc/apt/apt.conf.d/docker-autoremove-suggests"

mount -t proc proc "$rootfs/proc"
chroot "$rootfs" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
  sh -c 'apt-get update -qq && apt-get dist-upgrade -y -qq && apt-get clean' > "$work/upgrade.log" 2>&1 \
  || { tail -n 30 "$work/upgrade.log"; exit 1; }
umount "$rootfs/proc"

find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
rm -rf "$rootfs"/usr/share/{man,groff,info,lintian,linda}/* "$rootfs"/var/lib/apt/lists/* \
  "$rootfs"/var/cache/apt/* "$rootfs"/var/log/apt/* "$rootfs"/var/log/dpkg.log "$rootfs"/tmp/*
find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
# The runtime provides these; the image leaves them empty.
rm -rf "${rootfs:?}"/dev/* "${rootfs:?}"/proc/* "${rootfs:?}"/sys/* "${rootfs:?}"/run/*

# One layer, with the official image's configuration.
tar -C "$rootfs" --numeric-owner --xattrs -cf - . \
  | docker import --platform "linux/$(dpkg --print-architecture)" \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'CMD ["bash"]' - "$image" >/dev/null
echo "base.sh: $image built locally in $(( $(date +%s) - start )) s"
