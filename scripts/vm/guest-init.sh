#!/bin/sh
# Stage 2 of the test VM, run as PID 1 from the host's own /bin/sh inside the tmpfs overlay.
# /tmp is left as the overlay has it: the host's /tmp (where a CI clone may live) must stay visible.
# Makes the guest look like a node without udev: device-mapper modules, LVM told not to wait for
# udev, dmeventd running for pool monitoring, then the command agent on the virtio-serial port.
set -u
arg() { sed -n "s/.*tp\\.$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /run
mkdir -p /dev/pts /dev/shm /run/lock
mount -t devpts devpts /dev/pts

kver="$(uname -r)"
mkdir -p "/lib/modules/$kver"
mount --bind "$(arg modules)" "/lib/modules/$kver"
modprobe dm_mod && modprobe dm_thin_pool || echo "thinpool-vm: device-mapper modules failed to load"

# No udev in the guest: without this lvcreate fails with "Failed to wipe start of new LV".
cat > /etc/lvm/lvmlocal.conf <<'CONF'
activation {
	udev_sync = 0
	udev_rules = 0
}
CONF
rm -rf /etc/lvm/backup /etc/lvm/archive /etc/lvm/devices
dmeventd || echo "thinpool-vm: dmeventd failed to start"

# The command ports, found by the names the host gave them (tp.cmd, tp.ctl).
port_named() {
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    for named in /sys/class/virtio-ports/*/name; do
      if [ "$(cat "$named" 2>/dev/null)" = "$1" ]; then
        found="/dev/$(basename "$(dirname "$named")")"
        [ -e "$found" ] && echo "$found" && return 0
      fi
    done
    sleep 0.5
  done
}
port="$(port_named tp.cmd)"
control="$(port_named tp.ctl)"
echo "thinpool-vm: kernel $kver, command port $port, control port $control"
/usr/bin/python3 -u "$(arg agent)" "$control" >/dev/null &
exec /usr/bin/python3 -u "$(arg agent)" "$port"
