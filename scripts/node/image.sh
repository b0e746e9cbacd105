#!/usr/bin/env bash
# Builds (once, then cached) the disk of a real Debian node for the qemu tests: debootstrap
# (minbase) of a Debian release with its own kernel and initramfs, systemd as PID 1, udev, lvm2
# with its udev rules, lvm2-monitor and dmeventd, thin-provisioning-tools and Debian's default
# lvm.conf, as users' nodes have them. The tests reach it through the virtio-serial command agent
# (thinpool-guest-agent@.service). With `k8s`, it is also a Kubernetes node: containerd, runc and
# the CNI plugins from Debian, kubelet and kube-proxy built by scripts/k8s/prepare.sh, as systemd
# units that start once the test's seed (a 9p share at /seed: credentials, images) is there.
#
# Usage: image.sh <bullseye|bookworm|trixie> [k8s]
# Prints the directory holding root.img (raw ext4, never written by a test: boot.sh runs each VM
# on a qcow2 overlay), vmlinuz and initrd.img. Needs root, debootstrap, e2fsprogs (mkfs.ext4 -d).
set -euo pipefail
release="$1"
flavour="${2:-lvm}"
here="$(cd "$(dirname "$0")" && pwd)"
cache_root="${THINPOOL_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/thinpool-operator/node}"
source "$here/../lib/debootstrap.sh"

case "$release" in bullseye|bookworm|trixie) ;; *) echo "image.sh: unknown release '$release'" >&2; exit 2 ;; esac
case "$flavour" in lvm|k8s) ;; *) echo "image.sh: unknown flavour '$flavour'" >&2; exit 2 ;; esac
require_tools image.sh debootstrap mkfs.ext4

packages=linux-image-amd64,systemd-sysv,udev,dbus,kmod,iproute2,procps,lvm2,dmeventd,thin-provisioning-tools,e2fsprogs,fdisk,python3
k8s_bin=""
if [ "$flavour" = k8s ]; then
  packages="$packages,containerd,runc,containernetworking-plugins,iptables,conntrack,ca-certificates"
  k8s_bin="$("$here/../k8s/prepare.sh" | tail -n1)"
  k8s_bin="$(ls -d "$k8s_bin"/k8s/*-linux-amd64 | tail -n1)"
fi

# The cache key: this script and its helper, the files it copies in, and the Kubernetes binaries.
key="$( { echo "$release $flavour $packages"; cat "$0" "$here/../lib/debootstrap.sh" "$here/guest-agent.py";
          find "$here/rootfs/common" "$here/rootfs/$flavour" -type f -print0 2>/dev/null | sort -z | xargs -0 -r cat;
          [ -z "$k8s_bin" ] || sha256sum "$k8s_bin/kubelet" "$k8s_bin/kube-proxy"; } | sha256sum | cut -c1-16)"
out="$cache_root/$release-$flavour"
if [ -f "$out/ready" ] && [ "$(cat "$out/ready")" = "$key" ]; then
  echo "$out"
  exit 0
fi

start=$(date +%s)
echo "image.sh: debootstrap $release ($flavour); about a minute or two, once" >&2
debootstrap_rootfs node "$release" "$packages"

# The files of the flavour, and the tests' command agent.
cp -a "$here/rootfs/common/." "$rootfs/"
[ "$flavour" = lvm ] || cp -a "$here/rootfs/$flavour/." "$rootfs/"
install -D -m 0755 "$here/guest-agent.py" "$rootfs/usr/local/lib/thinpool/guest-agent.py"
echo node > "$rootfs/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 node\n' > "$rootfs/etc/hosts"
: > "$rootfs/etc/resolv.conf"   # no DNS: nothing here resolves names, and pods inherit this
printf 'LABEL=thinpool-root / ext4 defaults 0 1\n' > "$rootfs/etc/fstab"
units=(thinpool-guest-agent@tp.cmd.service thinpool-guest-agent@tp.ctl.service)
if [ "$flavour" = k8s ]; then
  install -m 0755 "$k8s_bin/kubelet" "$k8s_bin/kube-proxy" "$rootfs/usr/local/bin/"
  mkdir -p "$rootfs/seed"
  printf 'seed /seed 9p trans=virtio,version=9p2000.L,ro,nofail 0 0\n' >> "$rootfs/etc/fstab"
  units+=(systemd-networkd.service containerd.service thinpool-images.service kubelet.service kube-proxy.service)
fi
# Boot quickly and quietly: no timers that start package work, no login prompts to wait for.
chroot "$rootfs" systemctl enable "${units[@]}" >/dev/null 2>&1
chroot "$rootfs" systemctl mask apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer \
  fstrim.timer e2scrub_reap.service getty@tty1.service serial-getty@ttyS0.service >/dev/null 2>&1 || true
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*

mkdir -p "$work/out"
cp "$rootfs"/boot/vmlinuz-* "$work/out/vmlinuz"
cp "$rootfs"/boot/initrd.img-* "$work/out/initrd.img"
size=3G
[ "$flavour" = lvm ] || size=6G
mkfs.ext4 -q -L thinpool-root -d "$rootfs" "$work/out/root.img" "$size"
sed -n 's/^\(Version\|Package\): //p' "$rootfs/var/lib/dpkg/status" | paste - - \
  | awk '$1 ~ /^(linux-image-[0-9]|lvm2$|thin-provisioning-tools$|containerd$|systemd$)/ {print $1, $2}' > "$work/out/versions"
echo "$key" > "$work/out/ready"
rm -rf "$out"
mkdir -p "$cache_root"
mv "$work/out" "$out"
echo "image.sh: $release ($flavour) node disk built in $(( $(date +%s) - start )) s: $(tr '\n' ';' < "$out/versions")" >&2
echo "$out"
