#!/usr/bin/env bash
# Boots the test VM (qemu, TCG) with the given raw disk images as /dev/vda, /dev/vdb, ...
# The command channel is a unix socket at <state-dir>/cmd.sock (virtio-serial in the guest), the
# node's runner; <state-dir>/ctl.sock is a second one for whoever drives the demo or a test
# (a socket serves one client at a time);
# the guest console goes to <state-dir>/console.log. Runs in the foreground: kill it to stop.
# Usage: boot.sh <state-dir> <disk.img>...
set -euo pipefail
state="$1"; shift
here="$(cd "$(dirname "$0")" && pwd)"
cache="$("$here/prepare.sh" | tail -n1)"
kver="$(cat "$cache/kernel-version")"
mkdir -p "$state"
rm -f "$state/cmd.sock" "$state/ctl.sock"

drives=()
for disk in "$@"; do
  drives+=(-drive "file=$disk,if=virtio,format=raw,cache=unsafe")
done

# KVM hangs on this kind of machine; TCG works everywhere. No network device at all.
exec qemu-system-x86_64 -accel tcg -m "${THINPOOL_VM_MEMORY:-1024}" -smp "${THINPOOL_VM_CPUS:-1}" \
  -nodefaults -no-user-config -display none -nic none \
  -kernel "$cache/vmlinuz" -initrd "$cache/initramfs.cpio.gz" \
  -append "console=ttyS0 panic=-1 quiet tp.stage2=$here/guest-init.sh tp.agent=$here/guest-agent.py tp.modules=$cache/root/lib/modules/$kver" \
  -serial "file:$state/console.log" \
  -virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
  -device virtio-serial-pci \
  -chardev "socket,id=cmd,path=$state/cmd.sock,server=on,wait=off" \
  -device virtserialport,chardev=cmd,name=tp.cmd \
  -chardev "socket,id=ctl,path=$state/ctl.sock,server=on,wait=off" \
  -device virtserialport,chardev=ctl,name=tp.ctl \
  -no-reboot "${drives[@]}"
