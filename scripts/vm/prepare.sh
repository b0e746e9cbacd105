#!/usr/bin/env bash
# Builds (once, then cached) what the real-kernel test VM boots: Debian's stock amd64 kernel,
# its modules tree, and a tiny busybox initramfs that mounts the host's / read-only over 9p with
# a tmpfs overlay on top. The guest therefore runs this host's lvm2/dmeventd binaries against a
# real device-mapper, and every write it makes stays inside the guest.
# Needs: qemu-system-x86 busybox-static cpio kmod lvm2 thin-provisioning-tools (see ../install-test-deps.sh).
set -euo pipefail

cache="${THINPOOL_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/thinpool-operator/vm}"
here="$(cd "$(dirname "$0")" && pwd)"

for tool in qemu-system-x86_64 busybox cpio depmod apt-get dpkg-deb; do
  command -v "$tool" >/dev/null || { echo "prepare.sh: '$tool' is missing; run scripts/install-test-deps.sh" >&2; exit 1; }
done

# The version linux-image-amd64 depends on: Debian's current stable kernel.
pkg="$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')"
[ -n "$pkg" ] || { echo "prepare.sh: cannot resolve linux-image-amd64 (run apt-get update)" >&2; exit 1; }
kver="${pkg#linux-image-}"

if [ -f "$cache/ready" ] && [ "$(cat "$cache/ready")" = "$kver $(sha256sum "$here/initramfs-init" | cut -c1-16)" ]; then
  echo "$cache"
  exit 0
fi

rm -rf "$cache"
mkdir -p "$cache/root" "$cache/deb"
(cd "$cache/deb" && apt-get download "$pkg" >/dev/null)
dpkg-deb -x "$cache"/deb/*.deb "$cache/root"
depmod -b "$cache/root" "$kver"
cp "$cache/root/boot/vmlinuz-$kver" "$cache/vmlinuz"

# initramfs: busybox, the modules needed to reach the host's / over virtio-9p, and the init.
initrd="$cache/initramfs"
mkdir -p "$initrd"/{bin,dev,proc,sys,host,rw,newroot,modules}
cp /bin/busybox "$initrd/bin/busybox"
for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk \
         virtio_console 9pnet 9pnet_virtio netfs fscache 9p overlay; do
  ko="$(find "$cache/root/lib/modules/$kver" -name "$m.ko*" | head -n1)"
  if [ -z "$ko" ]; then continue; fi   # built into this kernel
  case "$ko" in
    *.xz) xz -dc "$ko" > "$initrd/modules/$m.ko" ;;
    *.zst) zstd -qdc "$ko" > "$initrd/modules/$m.ko" ;;
    *) cp "$ko" "$initrd/modules/$m.ko" ;;
  esac
  echo "$m" >> "$initrd/modules/order"
done
cp "$here/initramfs-init" "$initrd/init"
chmod +x "$initrd/init"
(cd "$initrd" && find . | cpio -o -H newc --quiet | gzip -1) > "$cache/initramfs.cpio.gz"
rm -rf "$cache/deb" "$initrd"
echo "$kver" > "$cache/kernel-version"
echo "$kver $(sha256sum "$here/initramfs-init" | cut -c1-16)" > "$cache/ready"
echo "$cache"
