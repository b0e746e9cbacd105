#!/usr/bin/env bash
# Boots a real Debian node (a disk from image.sh) under qemu (TCG; KVM hangs on this kind of
# machine) until killed or powered off. The node's root is a qcow2 overlay on the cached image, so
# the image stays pristine and a second boot on the same overlay is a reboot of the same node.
# Data disks (raw images) are /dev/vda, /dev/vdb, ... in the node; the root disk comes last and is
# found by its label. The command channels are unix sockets <state>/cmd.sock and <state>/ctl.sock
# (virtio-serial ports tp.cmd and tp.ctl, served by thinpool-guest-agent@); the console goes to
# <state>/console.log.
#
# Usage: boot.sh <state-dir> <image-dir> <overlay.qcow2> [data-disk.img ...]
# Environment: THINPOOL_NODE_MEMORY (MiB, 1024), THINPOOL_NODE_CPUS (1),
#   THINPOOL_NODE_TAP: attach a virtio NIC to this TAP device (run boot.sh inside the network
#   namespace that holds it); without it the node has no network device at all.
#   THINPOOL_NODE_SEED: a directory shared read-only with the node as 9p tag "seed" (/seed).
set -euo pipefail
state="$1"; image="$2"; overlay="$3"; shift 3
mkdir -p "$state"
rm -f "$state/cmd.sock" "$state/ctl.sock"
[ -f "$overlay" ] || qemu-img create -q -f qcow2 -F raw -b "$image/root.img" "$overlay"

args=()
for disk in "$@"; do
  args+=(-drive "file=$disk,if=virtio,format=raw,cache=unsafe")
done
args+=(-drive "file=$overlay,if=virtio,format=qcow2,cache=unsafe")
if [ -n "${THINPOOL_NODE_TAP:-}" ]; then
  args+=(-netdev "tap,id=net0,ifname=$THINPOOL_NODE_TAP,script=no,downscript=no"
         -device "virtio-net-pci,netdev=net0,mac=52:54:00:20:10:02")
else
  args+=(-nic none)
fi
if [ -n "${THINPOOL_NODE_SEED:-}" ]; then
  args+=(-virtfs "local,path=$THINPOOL_NODE_SEED,mount_tag=seed,security_model=none,readonly=on")
fi

exec qemu-system-x86_64 -accel tcg -m "${THINPOOL_NODE_MEMORY:-1024}" -smp "${THINPOOL_NODE_CPUS:-1}" \
  -nodefaults -no-user-config -display none \
  -kernel "$image/vmlinuz" -initrd "$image/initrd.img" \
  -append "root=LABEL=thinpool-root rw console=ttyS0 quiet net.ifnames=0 panic=-1" \
  -serial "file:$state/console.log" \
  -device virtio-rng-pci \
  -device virtio-serial-pci \
  -chardev "socket,id=cmd,path=$state/cmd.sock,server=on,wait=off" \
  -device virtserialport,chardev=cmd,name=tp.cmd \
  -chardev "socket,id=ctl,path=$state/ctl.sock,server=on,wait=off" \
  -device virtserialport,chardev=ctl,name=tp.ctl \
  -no-reboot "${args[@]}"
